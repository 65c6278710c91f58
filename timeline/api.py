from ninja import NinjaAPI

from events.api import router as events_router

api = NinjaAPI(
    title="Chechnya 2017 chronology API",
    version="1",
    description="Read-only public JSON for the documented chronology of the reporting on the "
    "2017 anti-gay purge in Chechnya. Only published items are served; protected identities "
    "appear by their pseudonym only.",
    urls_namespace="api-1",
)
api.add_router("/", events_router)
