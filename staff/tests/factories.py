from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from staff.models import EmployeeProfile, Skill, Team, User

TEST_PASSWORD = "test-pass-123"


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(DjangoModelFactory):
    """``UserFactory(roles=["agent"])`` gives a user in those role groups (created if missing)."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set([Group.objects.get_or_create(name=str(role))[0] for role in extracted])


class SkillFactory(DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Skill {n}")


class EmployeeFactory(UserFactory):
    """A user with an employee profile (an employee for attendance and payroll)."""

    profile = factory.RelatedFactory("staff.tests.factories.EmployeeProfileFactory", factory_related_name="user")


class EmployeeProfileFactory(DjangoModelFactory):
    class Meta:
        model = EmployeeProfile

    user = factory.SubFactory(UserFactory)
    employee_number = factory.Sequence(lambda n: f"E{n:05d}")
    base_salary = Decimal("6000")
