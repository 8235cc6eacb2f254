import time

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from accounts.models import CaseloadAssignment, Clinic, PatientProfile, Role, User
from exercises.models import Category, Exercise

PASSWORD = "correct-horse-battery-staple"


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    role = Role.PATIENT
    clinic = factory.SubFactory(ClinicFactory)
    password = factory.django.Password(PASSWORD)


class PatientFactory(UserFactory):
    role = Role.PATIENT
    profile = factory.RelatedFactory(
        "tests.factories.PatientProfileFactory", factory_related_name="user"
    )


class PatientProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PatientProfile

    time_zone = "Europe/London"


class TherapistFactory(UserFactory):
    role = Role.THERAPIST


class StaffFactory(UserFactory):
    role = Role.STAFF


def assign(patient: User, therapist: User) -> CaseloadAssignment:
    return CaseloadAssignment.objects.create(patient=patient, therapist=therapist)


def enable_totp(user: User) -> str:
    """Give `user` an authenticator app; returns the secret to compute codes with pyotp."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"exercise-{n}")
    name = factory.Sequence(lambda n: f"Exercise {n}")
    category = Category.STRETCHING
    summary = "A gentle stretch."
    steps = ["Sit tall.", "Move gently."]
    precautions = "Move within a comfortable range."
    stop_if = "Stop if pain spreads into your arm."


def signed_in_session_key(user: User) -> str:
    """A real session for `user`, signed in and, for therapists and staff, marked as having
    passed the authenticator-app step the way allauth records it. Used by the API fuzz
    (tests/security) and the benchmark (bench/clinic.py)."""
    client = Client()
    client.force_login(user)
    session = client.session
    now = time.time()
    session["account_authentication_methods"] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    assert session.session_key is not None
    return session.session_key
