"""Deny by default: a view admits the roles it names in ``required_roles`` (and, per action, in
``action_roles``), and nobody when it names none. Object scoping is done by the view's selector."""

from rest_framework.permissions import BasePermission


class HasRole(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        roles = getattr(view, "action_roles", {}).get(getattr(view, "action", None))
        if roles is None:
            roles = getattr(view, "required_roles", ())
        return bool(roles) and user.has_role(*roles)


class IsAuthenticatedOnly(BasePermission):
    """For views every signed-in user may use (the API root, the schema)."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)
