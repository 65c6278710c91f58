"""English formats: British, as the record is written. These are Django's en_GB formats; the
site's language code is plain "en" so that django-modeltranslation's columns are title_en and
title_ru."""

from django.conf.locale.en_GB.formats import *  # noqa: F403
