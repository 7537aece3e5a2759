"""The secret links already written in the outbox (before 0010) become markers: the link of a
waiting e-mail is made again when it leaves, the one of a sent e-mail is gone for good."""

import re

from django.db import migrations

ANNULATION = re.compile(r"https?://\S+?/annulation/(?P<pk>\d+):[\w-]+/")
REINITIALISATION = re.compile(r"https?://\S+?/mot-de-passe/nouveau/[\w-]+/[\w-]+/")
MARQUE_ANNULATION = "[lien pour annuler l'inscription : ajouté à l'envoi]"
MARQUE_REINITIALISATION = "[lien pour choisir un nouveau mot de passe : ajouté à l'envoi]"


def masquer(apps, schema_editor):
    Notification = apps.get_model("faireadmin", "Notification")
    for notification in Notification.objects.filter(corps__contains="://").iterator():
        liens = dict(notification.liens_secrets)
        champs = {"corps": notification.corps, "corps_html": notification.corps_html}
        for champ, texte in champs.items():
            if trouve := ANNULATION.search(texte):
                liens["annulation"] = {"inscription": int(trouve["pk"])}
                texte = ANNULATION.sub(MARQUE_ANNULATION, texte)
            if REINITIALISATION.search(texte) and notification.agent_id:
                liens["reinitialisation"] = {"agent": notification.agent_id}
                texte = REINITIALISATION.sub(MARQUE_REINITIALISATION, texte)
            champs[champ] = texte
        if liens != notification.liens_secrets:
            notification.corps, notification.corps_html = champs["corps"], champs["corps_html"]
            notification.liens_secrets = liens
            notification.save(update_fields=["corps", "corps_html", "liens_secrets"])


class Migration(migrations.Migration):
    dependencies = [("faireadmin", "0010_liens_secrets")]

    operations = [migrations.RunPython(masquer, migrations.RunPython.noop)]
