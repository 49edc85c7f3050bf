"""Role checks for views. Every view that is not for all staff names the roles it admits."""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied


def user_has_role(user, roles: Iterable[str]) -> bool:
    return bool(user.is_authenticated and user.has_role(*roles))


class RoleRequiredMixin(AccessMixin):
    """Anonymous users go to the login page; signed-in users without one of the roles get 403."""

    required_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.required_roles and not user_has_role(request.user, self.required_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def role_required(*roles: str) -> Callable:
    """Function-view twin of :class:`RoleRequiredMixin` (login itself is enforced by middleware)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not user_has_role(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
