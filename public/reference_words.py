"""Words the public pages show that no template or call names, for the Welsh catalogue: the regions and
countries of the forces (``inspections/data/forces.csv``), and a word of Django's. Marked here so that
``makemessages`` keeps them; ``tests/welsh/test_catalogue.py`` holds this list to the reference data."""

from __future__ import annotations

from django.utils.translation import gettext_noop

REGIONS = (
    gettext_noop("East Midlands"),
    gettext_noop("East of England"),
    gettext_noop("London"),
    gettext_noop("North East"),
    gettext_noop("North West"),
    gettext_noop("South East"),
    gettext_noop("South West"),
    gettext_noop("Wales"),
    gettext_noop("West Midlands"),
    gettext_noop("Yorkshire and The Humber"),
)
COUNTRIES = (gettext_noop("England"), gettext_noop("Wales"))
#: Django's own words that the public pages show and Django's Welsh catalogue lacks: the ellipsis of
#: ``Paginator.get_elided_page_range``.
DJANGO_WORDS = (gettext_noop("…"),)
