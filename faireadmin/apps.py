from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_save


class FaireAdminConfig(AppConfig):
    name = "faireadmin"
    verbose_name = "Agents et directions"

    def ready(self) -> None:
        from django.core import checks

        from faireadmin.sso import verifier_reglages

        checks.register(verifier_reglages, checks.Tags.security)
        self._liens_secrets()
        self._journal_de_securite()
        self._cache()

    def _liens_secrets(self) -> None:
        from faireadmin import outbox
        from faireadmin.forms import LIEN_DE_REINITIALISATION, lien_de_reinitialisation

        outbox.enregistrer_lien(
            LIEN_DE_REINITIALISATION,
            "lien pour choisir un nouveau mot de passe",
            lien_de_reinitialisation,
        )

    def _journal_de_securite(self) -> None:
        from django.contrib.admin.models import LogEntry
        from django.contrib.auth.signals import (
            user_logged_in,
            user_logged_out,
            user_login_failed,
        )
        from django.db.models.signals import pre_save

        from faireadmin import audit, middleware, verrouillage
        from faireadmin.models import Agent

        user_logged_in.connect(audit.a_la_connexion, dispatch_uid="audit:connexion")
        user_logged_in.connect(verrouillage.a_la_connexion, dispatch_uid="appareil:connexion")
        user_logged_in.connect(middleware.a_la_connexion, dispatch_uid="session:connexion")
        user_login_failed.connect(audit.a_l_echec, dispatch_uid="audit:echec")
        user_logged_out.connect(audit.a_la_deconnexion, dispatch_uid="audit:deconnexion")
        m2m_changed.connect(
            audit.aux_groupes, sender=Agent.groups.through, dispatch_uid="audit:groupes"
        )
        pre_save.connect(
            audit.avant_enregistrement_agent, sender=Agent, dispatch_uid="audit:droits"
        )
        post_save.connect(
            audit.a_l_administration, sender=LogEntry, dispatch_uid="audit:administration"
        )

    def _cache(self) -> None:
        from django.contrib.auth.models import Group

        from faireadmin.cache import portees
        from faireadmin.models import Agent, Direction

        def agent_change(agent: Agent | Group, *, created: bool) -> None:
            if not created:  # a new agent is nobody's pilote and registered nowhere yet
                portees.programme_change()

        # Its groups too: the roles of the navigation are cached (sujets/parties.py).
        portees.relier(Agent, agent_change)
        portees.relier(Group, agent_change)
        portees.relier(Direction, lambda direction, **_: portees.programme_change())
