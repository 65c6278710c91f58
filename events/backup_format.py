"""The JSON of backup_record: Django's, with timestamps kept to the microsecond.

Django's JSON encoder cuts times to the millisecond, so a backup did not restore exactly: a
time like 09:36:12.000123 was written "09:36:12.000", restored as 09:36:12 and written again
as "09:36:12". The round trip differed whenever a row's microseconds fell below a thousand,
so the byte-for-byte round-trip test failed now and then. Files stay plain JSON that
Django's own deserializer (loaddata, restore_record) reads.
"""

import datetime

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer

__all__ = ["Deserializer", "Serializer"]


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactEncoder
