"""Russian for the framework's own UI strings that its catalog leaves untranslated or gets wrong.

These source strings are English because they come from Flask-AppBuilder's templates and
forms; listing them here puts them into translations/ru (scripts/i18n.sh), where they get
Russian text. The portal's catalogs are loaded after the framework's (FAB puts its own
directory first in BABEL_TRANSLATION_DIRECTORIES and Flask-Babel merges later catalogs over
earlier ones), so an entry here replaces the framework's text.
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

# The framework's catalog has these wrong (typos, machine translation, a password hint
# that contradicts the portal's password policy): the portal's catalog corrects them.
FRAMEWORK_FIXES = [
    _("Invalid login. Please try again."), _("Views/Menus"), _("View/Menu"),
    _("User confirmation needed"), _("Failed login count"), _("Profile"), _("Permission"),
    _("Page size"), _("Ends with"), _("Account activation"), _("Personal Info"),
    _("Reset Password Form"), _("Associated data exists, please delete them first"),
    _("Please use a good password policy, this application does not check this for you"),
    _("Please rewrite the password to confirm"), _("Please rewrite the user's password to confirm"),
    _("The user's email, this will also be used for OID auth"),
    _("Write the user first name or names"), _("Write the user last name"),
    _("Username valid for authentication on DB or LDAP, unused for OID auth"),
    _("The user role on the application, this will associate with a list of permissions"),
    _("Count of"), _("Avg. of"), _("Email"), _("Username"), _("Copy Role"),
    _("Copy the selected roles?"), _("Cancel"), _("OK"), _("Audit Info"),
    _("It's not a good policy to remove a user, just make it inactive"),
]
