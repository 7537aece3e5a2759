"""The people core: agents (the custom user model, logging in by e-mail) and their directions;
and the outbox of e-mails to them, which every part of the application writes to."""

import datetime
import json
from functools import cached_property

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import connections, models
from django.db.models import Aggregate, JSONField, OuterRef, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from faireadmin.longueurs import LongueurMax


class Direction(models.Model):
    """An organisational unit; its headcount is the denominator of participation rates."""

    nom = models.CharField("nom", max_length=200, unique=True)
    sigle = models.CharField("sigle", max_length=20, unique=True)
    effectif = models.PositiveIntegerField(
        "effectif", help_text="Nombre d'agents de la direction, pour les taux de participation."
    )
    services_generaux = models.BooleanField(
        "services généraux",
        default=True,
        help_text="Décocher pour les agents des lycées : le taux « services généraux » les exclut.",
    )

    class Meta:
        verbose_name = "direction"
        ordering = ["nom"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effectif__gte=1), name="direction_effectif_positif"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.sigle})"


class _ListeJSON(Aggregate):
    """The values of a column as one JSON list (``jsonb_agg``; SQLite's ``json_group_array``)."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra)


# The query of ``AgentManager.de_la_session``, per database (alias, vendor).
_SQL_DE_LA_SESSION: dict[tuple[str, str], str] = {}


class AgentManager(BaseUserManager["Agent"]):
    use_in_migrations = True

    def de_la_session(self, pk: object) -> "Agent":
        """The agent of a session, with the names of its groups read in the same query
        (``group_names``, which every role check asks): the authentication backends'
        ``get_user``, on every request. The query is the ORM's, compiled once per process
        (compiling it cost more than running it)."""
        base = connections[self.db]
        if (sql := _SQL_DE_LA_SESSION.get((self.db, base.vendor))) is None:
            noms = (
                Agent.groups.through.objects.filter(agent=OuterRef("pk"))
                .values("agent")
                .annotate(noms=_ListeJSON("group__name"))
                .values("noms")  # type: ignore[misc]  # (django-stubs misses the annotation)
            )
            requete = self.annotate(_noms_des_groupes=Subquery(noms)).filter(pk=0).order_by()
            sql, parametres = requete.query.sql_with_params()
            if list(parametres) != [0]:
                raise RuntimeError(f"Requête de l'agent de la session inattendue : {sql}")
            _SQL_DE_LA_SESSION[(self.db, base.vendor)] = sql
        for agent in self.raw(sql, [pk]):
            return agent
        raise self.model.DoesNotExist("Agent introuvable.")

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        # E-mail addresses are stored lower-case: one agent per address, whatever the case.
        return (email or "").strip().lower()

    def get_by_natural_key(self, username: str | None) -> "Agent":
        return self.get(email=self.normalize_email(username))

    def _create(self, email: str, password: str | None, **extra) -> "Agent":
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        agent = self.model(email=self.normalize_email(email), **extra)
        agent.set_password(password)
        agent.save(using=self._db)
        return agent

    def create_user(self, email: str, password: str | None = None, **extra) -> "Agent":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "Agent":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class Agent(AbstractBaseUser, PermissionsMixin):
    """An agent of the Region. Every account is an agent; roles come from groups and pilotages."""

    email = models.EmailField("adresse e-mail", unique=True)
    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    direction = models.ForeignKey(
        Direction,
        verbose_name="direction",
        on_delete=models.PROTECT,
        related_name="agents",
        null=True,
        blank=True,
    )
    is_active = models.BooleanField(
        "actif",
        default=True,
        help_text="Décocher plutôt que supprimer : un agent désactivé ne peut plus se connecter.",
    )
    is_staff = models.BooleanField(
        "accès à l'administration",
        default=False,
        help_text="Permet de se connecter à l'interface d'administration.",
    )
    date_joined = models.DateTimeField("date de création", default=timezone.now)
    identifiant_sso = models.CharField(
        "identifiant chez le fournisseur d'identité",
        max_length=255,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="« sub » OpenID Connect, lié à la première authentification unique.",
    )
    anonymise_le = models.DateTimeField(
        "anonymisé le",
        null=True,
        blank=True,
        editable=False,
        help_text="Droit à l'effacement : nom et adresse effacés, chiffres conservés.",
    )

    objects = AgentManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]
    # The sujets this agent pilots, read once per user object by ``sujets.permissions``.
    _sujets_pilotes: frozenset[int] | None = None

    class Meta:
        verbose_name = "agent"
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="agent_email_minuscules"
            ),
        ]
        indexes = [models.Index(fields=["last_name", "first_name"], name="agent_nom_idx")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = type(self).objects.normalize_email(self.email)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    @cached_property
    def group_names(self) -> frozenset[str]:
        """Names of the agent's groups, read once per user object (with the agent itself for
        the one of the request: ``AgentManager.de_la_session``)."""
        if hasattr(self, "_noms_des_groupes"):  # a JSON list, or NULL without a group
            return frozenset(json.loads(self._noms_des_groupes or "[]"))
        return frozenset(self.groups.values_list("name", flat=True))


def _apres_le_delai_de_grace() -> "datetime.datetime":
    # Left alone for a while (two minutes by default): the send enqueued after the commit
    # should have done it by then; after that, the sweep takes over.
    delai = settings.FAIREADMIN["SECONDES_AVANT_BALAYAGE"]
    return timezone.now() + datetime.timedelta(seconds=delai)


class Notification(models.Model):
    """The outbox: an e-mail, written in the same transaction as the change that causes it,
    then sent by a Celery task once committed (or by the sweep, if that task got lost).

    The key (nature, objet, destinataire, periode) is unique: a job run twice, or two workers
    running it at once, cannot write, hence send, the same e-mail twice."""

    class Statut(models.TextChoices):
        EN_ATTENTE = "en_attente", "En attente"
        ENVOYEE = "envoyee", "Envoyée"
        ECHEC = "echec", "En échec"

    nature = models.CharField("nature", max_length=60)
    objet = models.CharField("objet", max_length=100, help_text="Par exemple « inscription:12 ».")
    destinataire = models.EmailField("destinataire")
    periode = models.CharField(
        "période", max_length=40, blank=True, help_text="Par exemple la semaine d'un résumé."
    )
    agent = models.ForeignKey(
        Agent,
        verbose_name="agent destinataire",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    sujet = models.CharField("sujet du message", max_length=250)
    corps = models.TextField("texte du message")
    corps_html = models.TextField(
        "version HTML du message", blank=True, help_text="Facultative ; le texte reste envoyé."
    )
    pieces_jointes = models.JSONField("pièces jointes", default=list, blank=True)
    liens_secrets = models.JSONField(
        "liens personnels",
        default=dict,
        blank=True,
        help_text="Les liens qui ouvrent un accès sans connexion ne sont jamais enregistrés : "
        "ils sont fabriqués à l'envoi, à partir de ces identifiants.",
    )
    statut = models.CharField(
        "statut", max_length=12, choices=Statut.choices, default=Statut.EN_ATTENTE
    )
    tentatives = models.PositiveSmallIntegerField("tentatives", default=0)
    derniere_erreur = models.TextField("dernière erreur", blank=True)
    prochaine_tentative = models.DateTimeField(
        "prochaine tentative au plus tard", default=_apres_le_delai_de_grace
    )
    cree_le = models.DateTimeField("créée le", default=timezone.now)
    envoyee_le = models.DateTimeField("envoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "notification"
        ordering = ["-cree_le"]
        constraints = [
            models.UniqueConstraint(
                fields=["nature", "objet", "destinataire", "periode"], name="notification_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(statut__in=["en_attente", "envoyee", "echec"]),
                name="notification_statut_valide",
            ),
        ]
        indexes = [
            models.Index(
                fields=["prochaine_tentative"],
                condition=models.Q(statut="en_attente"),
                name="notification_a_envoyer_idx",
            ),
            models.Index(fields=["statut", "nature"], name="notification_statut_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.sujet} → {self.destinataire}"


class EvenementSecurite(models.Model):
    """The security log: logins, failures, lockouts, rights given or taken, exports, admin
    changes, anonymisations. Read by admins; kept JOURS_CONSERVATION_JOURNAL_SECURITE days."""

    class Nature(models.TextChoices):
        CONNEXION = "connexion", "Connexion"
        COMPTE_CREE = "compte_cree", "Compte créé (authentification unique)"
        ECHEC_CONNEXION = "echec_connexion", "Échec de connexion"
        VERROUILLAGE = "verrouillage", "Compte verrouillé (trop d'échecs)"
        DECONNEXION = "deconnexion", "Déconnexion"
        MOT_DE_PASSE = "mot_de_passe", "Mot de passe (demande ou changement)"
        DROITS = "droits", "Droits modifiés"
        EXPORT = "export", "Export de données"
        ADMINISTRATION = "administration", "Modification dans l'administration"
        ANONYMISATION = "anonymisation", "Anonymisation d'un agent"

    nature = models.CharField("nature", max_length=20, choices=Nature.choices)
    agent = models.ForeignKey(
        Agent,
        verbose_name="agent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evenements_securite",
        help_text="Qui agit (ou dont le compte est en jeu).",
    )
    identifiant = models.CharField(
        "identifiant saisi", max_length=254, blank=True, help_text="Pour les échecs de connexion."
    )
    adresse_ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    appareil = models.CharField(
        "appareil de confiance",
        max_length=40,
        blank=True,
        help_text="Pour un échec de connexion : le navigateur où ce compte s'est déjà connecté "
        "(son cookie d'appareil), vide pour un navigateur inconnu.",
    )
    details = models.JSONField("détails", default=dict, blank=True)
    cree_le = models.DateTimeField("date", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "événement de sécurité"
        verbose_name_plural = "événements de sécurité"
        ordering = ["-cree_le", "-id"]
        indexes = [
            models.Index(fields=["nature", "-cree_le"], name="securite_nature_idx"),
            # The lockout's counts: per account, per address.
            models.Index(fields=["nature", "identifiant", "cree_le"], name="securite_compte_idx"),
            models.Index(fields=["nature", "adresse_ip", "cree_le"], name="securite_adresse_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_nature_display()} · {self.cree_le:%d/%m/%Y %H:%M}"


class PageInformation(models.Model):
    """A public page whose text the administrators write without code: the processing of
    personal data, the accessibility statement."""

    slug = models.SlugField("adresse", max_length=60, unique=True)
    titre = models.CharField("titre", max_length=200)
    contenu = models.TextField(
        "contenu",
        validators=[LongueurMax(50_000)],
        help_text="Texte simple : une ligne vide sépare deux paragraphes.",
    )
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "page d'information"
        verbose_name_plural = "pages d'information"
        ordering = ["titre"]

    def __str__(self) -> str:
        return self.titre


class VersionCache(models.Model):
    """The version of a part of the data, which the keys of the cached entries made of it
    carry (``faireadmin.cache``). Kept here rather than in Redis: a change made while Redis
    is down moves it all the same, and nothing stale comes back when Redis does."""

    # Written once, at migration time, from the clock: a database created again under the
    # same Redis never meets the entries of the previous one.
    EPOQUE = "epoque"

    portee = models.CharField("portée", max_length=100, primary_key=True)
    numero = models.BigIntegerField("numéro")

    class Meta:
        verbose_name = "version des données en cache"
        verbose_name_plural = "versions des données en cache"

    def __str__(self) -> str:
        return f"{self.portee} : {self.numero}"


class BattementWorker(models.Model):
    """A Celery worker's heartbeat: it writes here every SECONDES_BATTEMENT_WORKER seconds
    (``faireadmin.celery.Battement``), so that the health probe, which reads the database,
    sees a dead worker even while Redis is down."""

    nom = models.CharField("worker", max_length=200, unique=True)
    vu_le = models.DateTimeField("vu pour la dernière fois le")

    class Meta:
        verbose_name = "battement d'un worker"
        verbose_name_plural = "battements des workers"
        ordering = ["-vu_le"]

    def __str__(self) -> str:
        return f"{self.nom} · {self.vu_le:%d/%m/%Y %H:%M:%S}"
