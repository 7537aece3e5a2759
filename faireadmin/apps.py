from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_save

# The models the dashboards are made of: their changes make cached figures stale.
APPLICATIONS_SUIVIES = ("faireadmin", "axes", "sujets", "journees", "suivi")
NON_SUIVIS = {"faireadmin.Notification", "journees.AbonnementCalendrier"}


class FaireAdminConfig(AppConfig):
    name = "faireadmin"
    verbose_name = "Agents et directions"

    def ready(self) -> None:
        from faireadmin.fraicheur import au_changement

        for label in APPLICATIONS_SUIVIES:
            for modele in apps.get_app_config(label).get_models():
                if modele._meta.label in NON_SUIVIS:
                    continue
                uid = f"fraicheur:{modele._meta.label}"
                post_save.connect(au_changement, sender=modele, dispatch_uid=uid + ":save")
                post_delete.connect(au_changement, sender=modele, dispatch_uid=uid + ":delete")
                for champ in modele._meta.local_many_to_many:
                    m2m_changed.connect(
                        au_changement,
                        sender=champ.remote_field.through,
                        dispatch_uid=uid + champ.name,
                    )
