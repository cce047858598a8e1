import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from feedback import models


class FirmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Firm

    name = factory.Sequence(lambda n: f"Firm {n} LLP")
    slug = factory.Sequence(lambda n: f"firm-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-only")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Member

    user = factory.SubFactory(UserFactory)
    firm = factory.SubFactory(FirmFactory)
    role = models.Role.ACCOUNT_MANAGER


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Client

    firm = factory.SubFactory(FirmFactory)
    name = factory.Sequence(lambda n: f"Client {n} Ltd")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Contact

    client = factory.SubFactory(ClientFactory)
    firm = factory.SelfAttribute("client.firm")
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@client.example")


class TouchpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Touchpoint

    firm = factory.SubFactory(FirmFactory)
    name = factory.Sequence(lambda n: f"Touchpoint {n}")
    slug = factory.Sequence(lambda n: f"touchpoint-{n}")


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Engagement

    client = factory.SubFactory(ClientFactory)
    firm = factory.SelfAttribute("client.firm")
    name = factory.Sequence(lambda n: f"Matter {n}")


class BrandPromiseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BrandPromise

    firm = factory.SubFactory(FirmFactory)
    name = factory.Sequence(lambda n: f"Promise {n}")
    description = "We answer quickly."
    examples = factory.LazyFunction(lambda: ["they replied within the hour"])


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source

    firm = factory.SubFactory(FirmFactory)
    channel = models.Channel.API
    name = factory.Sequence(lambda n: f"Source {n}")


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Feedback

    source = factory.SubFactory(SourceFactory)
    firm = factory.SelfAttribute("source.firm")
    channel = factory.SelfAttribute("source.channel")
    external_id = factory.Sequence(lambda n: f"ext-{n}")
    text = "The team was responsive and knew the subject well."
    text_hash = factory.LazyAttribute(lambda f: models.text_hash(f.text))
    received_at = factory.LazyFunction(timezone.now)
