import datetime as dt

import factory
from django.utils import timezone
from django.utils.text import slugify

from axes.models import Axe
from faireadmin.models import Agent, Direction, Notification
from journees.models import Inscription, Journee, Phase
from suivi.models import Jalon, PointAvancement, Proposition, RetourTest
from sujets.models import Pilotage, Sujet

MOT_DE_PASSE = "un mot de passe de test"


class DirectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Direction

    nom = factory.Sequence(lambda n: f"Direction n° {n}")
    sigle = factory.Sequence(lambda n: f"D{n}")
    effectif = 100


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@region.example")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    direction = factory.SubFactory(DirectionFactory)
    password = factory.django.Password(MOT_DE_PASSE)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    nature = "essai"
    objet = factory.Sequence(lambda n: f"essai:{n}")
    destinataire = factory.Sequence(lambda n: f"destinataire{n}@region.example")
    sujet = "Un message"
    corps = "Bonjour."


class AxeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Axe

    numero = factory.Sequence(lambda n: n + 1)
    titre = factory.Sequence(lambda n: f"Axe de test {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.titre))


class SujetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sujet

    axe = factory.SubFactory(AxeFactory)
    titre = factory.Sequence(lambda n: f"Sujet de test {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.titre))


class PilotageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pilotage

    sujet = factory.SubFactory(SujetFactory)
    agent = factory.SubFactory(AgentFactory)


class JourneeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Journee

    phase = Phase.EXPLORER
    titre = factory.Sequence(lambda n: f"Journée de test {n}")
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    ville = "Montpellier"
    lieu = "Hôtel de Région"
    capacite = 40


class InscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inscription

    agent = factory.SubFactory(AgentFactory)
    journee = factory.SubFactory(JourneeFactory)


class PropositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposition

    sujet = factory.SubFactory(SujetFactory)
    titre = factory.Sequence(lambda n: f"Proposition de test {n}")
    statut = Proposition.Statut.EN_COURS
    avancement = 50


class JalonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jalon

    proposition = factory.SubFactory(PropositionFactory)
    titre = factory.Sequence(lambda n: f"Jalon {n}")
    echeance = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=10))


class PointAvancementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointAvancement

    proposition = factory.SubFactory(PropositionFactory)
    auteur = factory.SubFactory(AgentFactory)
    texte = "Point d'étape."


class RetourTestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RetourTest

    proposition = factory.SubFactory(PropositionFactory)
    journee = factory.SubFactory(JourneeFactory, phase=Phase.TESTER)
    synthese = "Maquette comprise par les testeurs."
