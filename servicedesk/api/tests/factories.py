import factory
from factory.django import DjangoModelFactory

from servicedesk.api import services
from servicedesk.api.models import ApiToken
from staff.tests.factories import UserFactory


class ApiTokenFactory(DjangoModelFactory):
    """A token row; the raw token is on ``token.raw`` (made through the service, so it is hashed)."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"client {n}")

    @classmethod
    def _create(cls, model_class, *args, user, name, **kwargs):
        token, raw = services.api_token_create(user=user, name=name, **kwargs)
        token.raw = raw
        return token
