import time

from django.db import migrations, models


def creer_l_epoque(apps, schema_editor):
    VersionCache = apps.get_model("faireadmin", "VersionCache")
    VersionCache.objects.create(portee="epoque", numero=time.time_ns())


class Migration(migrations.Migration):

    dependencies = [
        ("faireadmin", "0007_identite_sso"),
    ]

    operations = [
        migrations.CreateModel(
            name="VersionCache",
            fields=[
                (
                    "portee",
                    models.CharField(
                        max_length=100, primary_key=True, serialize=False, verbose_name="portée"
                    ),
                ),
                ("numero", models.BigIntegerField(verbose_name="numéro")),
            ],
            options={
                "verbose_name": "version des données en cache",
                "verbose_name_plural": "versions des données en cache",
            },
        ),
        migrations.RunPython(creer_l_epoque, migrations.RunPython.noop),
    ]
