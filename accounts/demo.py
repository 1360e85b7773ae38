"""The people ``make run`` creates (``manage.py seed_demo``), one for each role, with the password in
``DEMO_PASSWORD``. With ``DEMO_USERS_SKIP_SECOND_FACTOR`` on, they sign in without a second factor."""

from __future__ import annotations

from accounts.roles import Role

DEMO_USERS = {
    "inspector@example.org": ("Sam Inspector", Role.INSPECTOR),
    "lead@example.org": ("Jo Lead", Role.LEAD_INSPECTOR),
    "editor@example.org": ("Alex Editor", Role.EDITOR),
    # A second editor, so that the two-person rule on corrections can be walked on the demo.
    "editor2@example.org": ("Kit Editor", Role.EDITOR),
    "admin@example.org": ("Ada Administrator", Role.ADMINISTRATOR),
    # Writes the Welsh of the Welsh forces' reports.
    "translator@example.org": ("Tal Translator", Role.TRANSLATOR),
}
