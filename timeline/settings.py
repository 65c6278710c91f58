"""Settings for the chronology, read from the environment.

Development needs nothing set: `make run` turns DJANGO_DEBUG on and the database is a SQLite file
in the project. Production (DJANGO_DEBUG unset or off) refuses to start without a secret key and
turns on every protection `manage.py check --deploy` asks for. See README.md, "Configuration".
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no, on/off).")


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production needs a long random secret, e.g. from "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'. "
            "For development set DJANGO_DEBUG=1 (make run does)."
        )
    # Development only: never used when DEBUG is off.
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
# The site's canonical origin (scheme, host, port): every absolute URL the site serves (canonical
# links, JSON-LD, "Cite this", the feed, the API's links, the exports) is built from it, never
# from the request's Host or X-Forwarded-* headers, which any client can set and which would
# then reach every reader through the page cache and shared caches.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").strip().rstrip("/") or (
    "http://127.0.0.1:8000" if DEBUG else f"https://{(ALLOWED_HOSTS or ['localhost'])[0]}"
)
if (
    not SITE_URL.startswith(("http://", "https://"))
    or SITE_URL.count("/") != 2
    or "*" in SITE_URL
    or "//." in SITE_URL
):
    raise ImproperlyConfigured(
        "DJANGO_SITE_URL must be an origin like https://chronology.example.org (no path); set "
        "it when the first of DJANGO_ALLOWED_HOSTS is a wildcard."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin, as django-modeltranslation asks: it adds each translated field's
    # per-language columns (title_en, title_ru) and their admin tabs (events/translation.py).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",
    "reversion",
    "axes",
    "events",
]

MIDDLEWARE = [
    # First: the language is part of what a request asks for (its /ru/ prefix, or the API's
    # ?lang= and Accept-Language), and everything after, the page cache included, renders or
    # resolves in it (events/languages.py).
    "events.languages.LanguageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses what is not compressed already (cached pages are stored compressed).
    "events.middleware.GZipMiddleware",
    # ETag on every page and 304 Not Modified when the reader's copy is current.
    "django.middleware.http.ConditionalGetMiddleware",
    # Public pages from the cache, before the layers a page the same for everyone does not
    # need (events/caching.py); a hit keeps the headers those layers set when it was stored.
    # Most hits are answered before this whole list, in timeline/wsgi.py, with the headers
    # every layer here sent for that entry the first time.
    "events.caching.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "events.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out address and username never reach the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "timeline.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "events.context_processors.sharing",
            ],
        },
    },
]

WSGI_APPLICATION = "timeline.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("DJANGO_CONN_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that accepts connections and never answers must not hold a worker until
    # gunicorn kills it: connecting gives up after DJANGO_DB_CONNECT_TIMEOUT seconds (libpq's
    # minimum is 2) and a statement after DJANGO_DB_STATEMENT_TIMEOUT seconds (0: no limit;
    # manage.py sets 0 for migrations and loads), and the reader gets a 503 (events/views.py).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env_int("DJANGO_DB_CONNECT_TIMEOUT", 2)
    )
    statement_timeout_ms = env_int("DJANGO_DB_STATEMENT_TIMEOUT", 4) * 1000
    # JIT off: every query here is short, and PostgreSQL's cost estimate on a large record
    # (100,000 events) turned JIT compilation on for some, which then cost more than the
    # query (265 ms compiling for /api/v1/sources' citation counts).
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", f"-c statement_timeout={statement_timeout_ms} -c jit=off"
    )

# A PostgreSQL streaming replica for readers' requests (events/replica.py,
# docs/deployment.md): reads fall back to the primary when it lags more than
# DJANGO_REPLICA_MAX_LAG_SECONDS or cannot be reached, and a browser that just changed
# something reads from the primary for DJANGO_REPLICA_PIN_SECONDS.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
REPLICA_READS = bool(DATABASE_REPLICA_URL)
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("DJANGO_REPLICA_MAX_LAG_SECONDS", "") or 5)
REPLICA_CHECK_SECONDS = float(os.environ.get("DJANGO_REPLICA_CHECK_SECONDS", "") or 1)
REPLICA_PIN_SECONDS = env_int("DJANGO_REPLICA_PIN_SECONDS", 30)
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL.")
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    DATABASES["replica"]["OPTIONS"] = {**DATABASES["default"]["OPTIONS"]}
    DATABASE_ROUTERS = ["events.replica.ReplicaRouter"]
    # Before the page cache, whose generation read it routes.
    MIDDLEWARE.insert(1, "events.replica.ReplicaMiddleware")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# backup_record writes this format: Django's JSON with timestamps to the microsecond.
SERIALIZATION_MODULES = {"record-json": "events.backup_format"}

# Caching (events/caching.py): public pages are cached whole and invalidated by any change to
# the record. Local memory per process by default; DJANGO_CACHE_URL=redis://host:6379/0 shares
# one cache between processes and servers.
CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "").strip()


def redis_cache(url):
    """A Redis cache that fails soft (events/cache_backends.py): a cache read or write that
    cannot reach Redis within a quarter of a second is logged and treated as a miss."""
    return {
        "BACKEND": "events.cache_backends.FailSoftRedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        # Several sites (or test runs) sharing one Redis keep apart with a prefix each.
        "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", ""),
    }


if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": redis_cache(CACHE_URL)}
elif CACHE_URL:
    raise ImproperlyConfigured("DJANGO_CACHE_URL must be a redis:// or rediss:// address.")
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Seconds a rendered page is kept; 0 turns page caching off (the benchmark's "uncached").
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 600)
# On PostgreSQL, each server process keeps one more connection, which LISTENs for changes to
# the record's generation (events/listener.py), so a cache hit need not read it. 0 for a
# connection pooler in transaction mode, which cannot hold a LISTEN.
PAGE_CACHE_LISTEN = env_bool("DJANGO_PAGE_CACHE_LISTEN", True)

# A CDN in front (events/cdn.py, docs/deployment.md): public pages carry cache tags, and a
# change to the record purges exactly the tags it affects at this endpoint when it commits.
# Empty: no purging, and no CDN may keep a page without revalidating it.
CDN_PURGE_URL = os.environ.get("DJANGO_CDN_PURGE_URL", "").strip()
CDN_PURGE_FORMAT = os.environ.get("DJANGO_CDN_PURGE_FORMAT", "fastly").strip().lower()
if CDN_PURGE_FORMAT not in {"fastly", "cloudflare"}:
    raise ImproperlyConfigured("DJANGO_CDN_PURGE_FORMAT must be fastly or cloudflare.")
if CDN_PURGE_URL and not CDN_PURGE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("DJANGO_CDN_PURGE_URL must be an http(s) address.")
CDN_PURGE_TOKEN = os.environ.get("DJANGO_CDN_PURGE_TOKEN", "")
# Seconds the purge endpoint has to answer; a save never waits longer for it.
CDN_PURGE_TIMEOUT = float(os.environ.get("DJANGO_CDN_PURGE_TIMEOUT", "") or 1.0)
# Seconds a purged CDN keeps a page (a change purges it sooner), and how long any cache may
# serve a stale copy while it revalidates, or while the site answers with errors.
CDN_MAX_AGE = env_int("DJANGO_CDN_MAX_AGE", 86_400)
CDN_STALE_WHILE_REVALIDATE = env_int("DJANGO_CDN_STALE_WHILE_REVALIDATE", 30)
CDN_STALE_IF_ERROR = env_int("DJANGO_CDN_STALE_IF_ERROR", 86_400)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English (British spelling, as the record is written) at unprefixed addresses, Russian under
# /ru/ (docs/i18n.md). Interface strings are in locale/ru/LC_MESSAGES/django.po, compiled by
# `manage.py compile_translations` at install; the record's fields by django-modeltranslation.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский")]
# The readers' interface, then the curators' (the admin's own additions) kept apart, so that a
# translator of the public site need not translate the admin. Python strings of the events app
# are in events/locale. All compiled by `manage.py compile_translations`.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "curators"]
FORMAT_MODULE_PATH = ["timeline.formats"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "ru")
# A field with no Russian yet shows the English (the page says so, visibly: events/languages.py).
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Brute-force protection of the curators' login (django-axes): after AXES_FAILURE_LIMIT
# failed attempts for one username from one address, both are locked out for the cool-off.
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env_int("DJANGO_NUM_PROXIES", 0)
AXES_VERBOSE = False

# The admin lives here; set it to something less guessable in production.
ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

# Where readers send corrections: a mailto: or https: address, shown on the about page.
CORRECTIONS_CONTACT = os.environ.get("DJANGO_CORRECTIONS_CONTACT", "")
# Readers' correction reports (events/corrections.py): days each is kept before it is
# deleted; reports one address may send per hour; seconds a person needs at least to fill in
# the form (faster is a robot), and hours a form stays valid.
CORRECTION_RETENTION_DAYS = env_int("DJANGO_CORRECTION_RETENTION_DAYS", 90)
CORRECTION_REPORTS_PER_HOUR = env_int("DJANGO_CORRECTION_REPORTS_PER_HOUR", 5)
CORRECTION_MIN_SECONDS = env_int("DJANGO_CORRECTION_MIN_SECONDS", 3)
CORRECTION_FORM_MAX_HOURS = env_int("DJANGO_CORRECTION_FORM_MAX_HOURS", 12)

# How long a signed preview link (sent to a colleague without an account) stays valid.
PREVIEW_LINK_HOURS = env_int("DJANGO_PREVIEW_LINK_HOURS", 72)
# The admin's "what needs attention" lists drafts nobody has touched for this many days.
ATTENTION_STALE_DRAFT_DAYS = env_int("DJANGO_ATTENTION_STALE_DRAFT_DAYS", 7)

# Public API
NINJA_PAGINATION_PER_PAGE = 25
NINJA_PAGINATION_MAX_LIMIT = 200

# Security. Everything below is on by default in production (DEBUG off) and can be loosened
# explicitly, e.g. DJANGO_SECURE_SSL_REDIRECT=0 behind a proxy that already redirects.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# Only curators have sessions: a working day, not Django's default two weeks.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_HOURS", 10) * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes reports every login at INFO; lockouts and failures are warnings.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Public API (see docs/api.md): HTTP caching and throttling of anonymous clients.
# Seconds a client or a shared cache may reuse a response without asking again.
API_CACHE_MAX_AGE = env_int("DJANGO_API_CACHE_MAX_AGE", 60)
# Requests one address may make, as "600/min", "20/s" or "10000/day"; empty turns it off.
# Counted in the default cache (per process unless CACHES says otherwise).
API_THROTTLE_RATE = os.environ.get("DJANGO_API_THROTTLE_RATE", "600/min").strip() or None
# Proxies in front of the app that append to X-Forwarded-For (1 behind nginx or Caddy);
# with 0 the client's address is the connection's, so a client cannot forge it.
NINJA_NUM_PROXIES = env_int("DJANGO_NUM_PROXIES", 0)
