"""Role × endpoint matrix (ASVS 4.1.1/4.1.3: deny by default, checked on the server).

Which role may reach which endpoint is declared once, in app/security/access.py (ACCESS). This
module derives, for every endpoint of `app.url_map`, the FAB permission it requires — the (class
permission name, method permission) pair its `@has_access`/`@protect` decorator checks — and so the
roles that may reach it. Endpoints without a FAB permission must be declared below with the reason
they are open; views whose permissions nobody but Admin holds must be declared Admin-only. An
endpoint or view that is in neither is an error (tests/test_access_matrix.py)."""
from dataclasses import dataclass

from .access import ACCESS

ADMIN = "Admin"
PERMISSION_PREFIX = "can_"

# Endpoints FAB leaves without a permission check, and why that is right.
PUBLIC_ENDPOINTS = {
    "static": "the portal's css/js",
    "appbuilder.static": "FAB's css/js",
    "favicon": "the portal's icon, asked for by browsers on every page",
    "PrivacyView.policy": "the policy on personal data (4.1), read before logging in",
    "AuthDBView.login": "login form (rate limited, lockout in app/security/manager.py)",
    "AuthDBView.logout": "logout ends the caller's own session only",
    "SecurityApi.login": "API login (rate limited like the form)",
    "SecurityApi.refresh": "needs a JWT refresh token (jwt_required(refresh=True))",
    "LocaleView.index": "switches the caller's interface language",
    "UtilView.back": "redirects to the caller's previous page on this site",
    "HomeView.index": "start page: blocks only for the logged-in user's own roles",
}

# FAB checks these inline against the permission named after each action (e.g. "resetpasswords").
INLINE_CHECKED_METHODS = {"action", "action_post"}

# Views (class permission names) nobody but the system administrator uses: FAB's security
# screens and APIs. Granting one of them to a role must be a deliberate edit of this set.
ADMIN_ONLY_VIEWS = {
    "RoleModelView", "PermissionModelView", "ViewMenuModelView", "PermissionViewModelView",
    "UserGroupModelView", "ResetPasswordView",
    "Role", "User", "Permission", "ViewMenu", "PermissionViewMenu", "Group",
    "MenuApi", "OpenApi", "SwaggerView",
}


@dataclass(frozen=True)
class Rule:
    endpoint: str
    url: str
    methods: frozenset
    view: str | None          # class permission name, None for public endpoints
    permission: str | None    # "can_list", ...; None for public / inline-checked
    kind: str                 # "public" | "protected" | "inline" | "unknown"
    enabled: bool = True      # False: the view switched this permission off (nobody passes)


def _views_by_blueprint(appbuilder) -> dict:
    return {v.blueprint.name: v for v in appbuilder.baseviews
            if getattr(v, "blueprint", None) is not None}


def endpoint_rules(app) -> list[Rule]:
    """Every URL rule of the app with the FAB permission it requires."""
    views = _views_by_blueprint(app.appbuilder)
    rules = []
    for rule in app.url_map.iter_rules():
        methods = frozenset(rule.methods - {"HEAD", "OPTIONS"})
        blueprint, _, method = rule.endpoint.rpartition(".")
        view = views.get(blueprint)
        if rule.endpoint in PUBLIC_ENDPOINTS:
            rules.append(Rule(rule.endpoint, rule.rule, methods, None, None, "public"))
        elif view is not None and hasattr(getattr(view, method, None), "_permission_name"):
            permission = PERMISSION_PREFIX + view.get_method_permission(method)
            rules.append(Rule(rule.endpoint, rule.rule, methods, view.class_permission_name,
                              permission, "protected",
                              permission in (view.base_permissions or ())))
        elif view is not None and method in INLINE_CHECKED_METHODS:
            rules.append(Rule(rule.endpoint, rule.rule, methods, view.class_permission_name,
                              None, "inline"))
        else:
            rules.append(Rule(rule.endpoint, rule.rule, methods, None, None, "unknown"))
    return sorted(rules, key=lambda r: (r.endpoint, r.url))


def granted(view: str, permission: str, roles) -> bool:
    """May a user with these role names use this permission of this view (ACCESS)?"""
    if ADMIN in roles:
        return True
    return any(permission in ACCESS.get(view, {}).get(role, ()) for role in roles)


def expected_allowed(rule: Rule, roles) -> bool:
    """The declared answer: may a user with `roles` ([] = anonymous) reach `rule`?"""
    if rule.kind == "public":
        return True
    if rule.kind == "protected":
        return bool(roles) and rule.enabled and granted(rule.view, rule.permission, roles)
    return ADMIN in roles  # inline-checked actions: probed per action, see tests


def problems(app) -> list[str]:
    """Everything that keeps the matrix from covering the app: unknown endpoints, views
    without a declared owner, grants that name no real permission."""
    found = []
    rules = endpoint_rules(app)
    for rule in rules:
        if rule.kind == "unknown":
            found.append(f"{rule.endpoint} ({rule.url}): no FAB permission and not declared "
                         "in PUBLIC_ENDPOINTS")
    protected_views = {r.view for r in rules if r.kind in ("protected", "inline")}
    for view in sorted(protected_views - set(ACCESS) - ADMIN_ONLY_VIEWS):
        found.append(f"{view}: no grants in app/security/access.py and not declared in "
                     "ADMIN_ONLY_VIEWS")
    for view in sorted(protected_views & ADMIN_ONLY_VIEWS & set(ACCESS)):
        found.append(f"{view}: declared Admin-only but granted in app/security/access.py")
    views = {v.class_permission_name: v for v in app.appbuilder.baseviews}
    menu_names = _menu_names(app.appbuilder)
    for view_name, by_role in ACCESS.items():
        view = views.get(view_name)
        if view is None:
            if view_name not in menu_names:
                found.append(f"app/security/access.py grants on {view_name!r}: "
                             "no such view or menu")
            continue
        real = set(view.base_permissions or ()) | {"menu_access"}
        real |= {a.name for a in getattr(view, "actions", {}).values()}
        for role, perms in by_role.items():
            for perm in set(perms) - real:
                found.append(f"app/security/access.py grants {perm!r} on {view_name} to {role}: "
                             "the view has no such permission")
    return found


def _menu_names(appbuilder) -> set:
    names = set()

    def walk(items):
        for item in items:
            names.add(item.name)
            walk(item.childs or [])
    walk(appbuilder.menu.get_list())
    return names
