"""Russian for the framework's own UI strings that its catalog leaves untranslated.

These source strings are English because they come from Flask-AppBuilder's templates; listing
them here puts them into translations/ru (scripts/i18n.sh), where they get Russian text.
"""
from flask_babel import lazy_gettext as _

FRAMEWORK_STRINGS = [
    _("Add"), _("Delete"), _("Detail"), _("Edit"), _("Show"), _("In"), _("Not In"),
    _("Are you sure you want to delete this item?"), _("Contains (insensitive)"),
    _("Database Error"), _("Edit User Information"), _("Order by"), _("Select Value"),
    _("Sign in using:"), _("User information changed"), _("Groups"), _("List Groups"),
    _("Add Group"), _("Edit Group"), _("Show Group"), _("Start with"), _("Not a valid choice"),
    _("User(s) exists in the role, cannot delete"), _("Statistics"),
    _("The user's password for authentication"),
]
