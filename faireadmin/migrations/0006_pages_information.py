"""The two public pages, with a first text the administrators complete in the admin."""

from django.db import migrations

PAGES = [
    {
        "slug": "donnees-personnelles",
        "titre": "Vos données personnelles",
        "contenu": """Faire Administration est l'outil de suivi du projet d'administration de la Région. Le responsable du traitement est la Région ; la direction générale en confie la conduite à l'équipe du Lab'.

Finalités : organiser les journées participatives (inscriptions, liste d'attente, rappels, émargement), documenter la mise en œuvre des propositions (pilotes, journal, jalons), produire les tableaux de bord et rapports de la direction générale, assurer la sécurité de l'application.

Données traitées : nom, prénom, adresse e-mail professionnelle et direction (depuis l'annuaire ou l'authentification unique) ; inscriptions aux journées et présence ; besoins d'accessibilité et contraintes alimentaires indiqués à l'inscription ; textes écrits au journal des propositions ; journal de sécurité (connexions, adresses IP, exports).

Base légale : mission d'intérêt public de la Région (article 6-1-e du RGPD), pour l'organisation de son administration.

Destinataires : l'équipe du Lab' et les pilotes des sujets ; la direction générale pour des chiffres agrégés ; les besoins d'accessibilité et contraintes alimentaires ne sont vus que par l'équipe du Lab'.

Durées de conservation : les besoins d'accessibilité et contraintes alimentaires sont effacés 30 jours après la journée ; le journal de sécurité est conservé un an ; les autres données, le temps du projet d'administration (horizon 2030), puis archivées ou anonymisées.

Vos droits : vous pouvez consulter et télécharger toutes vos données depuis la page « Mes données ». Pour les rectifier, les effacer ou vous opposer à un traitement, écrivez au délégué à la protection des données de la Région : dpo@region.example. Vous pouvez aussi saisir la CNIL (www.cnil.fr).""",
    },
    {
        "slug": "accessibilite",
        "titre": "Déclaration d'accessibilité",
        "contenu": """La Région s'engage à rendre ses services numériques accessibles, conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005.

Cette déclaration d'accessibilité s'applique à Faire Administration, l'outil de suivi du projet d'administration.

État de conformité : Faire Administration est en conformité partielle avec le référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1. L'audit de conformité reste à réaliser.

Contenus non accessibles : à compléter après l'audit.

Établissement de cette déclaration : à dater de l'audit.

Retour d'information et contact : si vous n'arrivez pas à accéder à un contenu ou à un service, écrivez à l'équipe du Lab' (lab@region.example) pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre forme.

Voies de recours : si vous avez signalé un défaut d'accessibilité qui vous empêche d'accéder à un contenu et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez écrire au Défenseur des droits (www.defenseurdesdroits.fr).""",
    },
]


def creer(apps, schema_editor):
    PageInformation = apps.get_model("faireadmin", "PageInformation")
    for page in PAGES:
        PageInformation.objects.get_or_create(slug=page["slug"], defaults=page)


def supprimer(apps, schema_editor):
    apps.get_model("faireadmin", "PageInformation").objects.filter(
        slug__in=[p["slug"] for p in PAGES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("faireadmin", "0005_securite_et_pages")]

    operations = [migrations.RunPython(creer, supprimer)]
