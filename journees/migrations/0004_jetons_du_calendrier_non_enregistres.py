"""Calendar tokens are no longer stored: each subscription gets a graine (its new address is
signed from it), and the address given before keeps working through its SHA-256 only."""

import hashlib
import secrets

from django.db import migrations, models

import journees.models


def empreintes(apps, schema_editor):
    AbonnementCalendrier = apps.get_model("journees", "AbonnementCalendrier")
    for abonnement in AbonnementCalendrier.objects.all():
        abonnement.empreinte_ancienne = hashlib.sha256(abonnement.jeton.encode()).hexdigest()
        abonnement.graine = secrets.token_urlsafe(12)
        abonnement.save(update_fields=["empreinte_ancienne", "graine"])


class Migration(migrations.Migration):
    dependencies = [("journees", "0003_capacite_au_moins_une_place")]

    operations = [
        # No way back: the tokens it replaces are not kept (that is its point).
        migrations.RunPython(migrations.RunPython.noop, reverse_code=None),
        migrations.AddField(
            model_name="abonnementcalendrier",
            name="graine",
            field=models.CharField(
                default="", editable=False, max_length=32, verbose_name="graine"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="abonnementcalendrier",
            name="empreinte_ancienne",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="SHA-256 d'une adresse donnée quand les jetons étaient enregistrés : "
                "elle marche jusqu'au prochain renouvellement.",
                max_length=64,
                null=True,
                unique=True,
                verbose_name="empreinte de l'adresse d'avant 2026-12",
            ),
        ),
        migrations.RunPython(empreintes, migrations.RunPython.noop),
        migrations.RemoveField(model_name="abonnementcalendrier", name="jeton"),
        migrations.AlterField(
            model_name="abonnementcalendrier",
            name="graine",
            field=models.CharField(
                default=journees.models.nouvelle_graine,
                editable=False,
                max_length=32,
                verbose_name="graine",
            ),
        ),
    ]
