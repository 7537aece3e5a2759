import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from suivi import services
from suivi.models import Jalon, PointAvancement, Proposition
from suivi.services import Changement
from tests.factories import (
    AgentFactory,
    JalonFactory,
    JourneeFactory,
    PilotageFactory,
    PropositionFactory,
    SujetFactory,
)

pytestmark = pytest.mark.django_db

Statut = Proposition.Statut
Meteo = Proposition.Meteo


@pytest.fixture
def pilote():
    return PilotageFactory().agent


@pytest.fixture
def proposition(pilote):
    return PropositionFactory(sujet=pilote.pilotages.get().sujet, statut=Statut.IDEE, avancement=0)


def mettre_a_jour(proposition, acteur, texte="", **changement):
    proposition.refresh_from_db()
    return services.proposition_mettre_a_jour(
        proposition=proposition,
        acteur=acteur,
        version=proposition.version,
        changement=Changement(**changement),
        texte=texte,
    )


# --- Lifecycle ----------------------------------------------------------------------------
def test_a_step_forward_is_journaled_with_author_and_before_after(proposition, pilote):
    entree = mettre_a_jour(proposition, pilote, statut=Statut.MAQUETTEE, avancement=15)
    proposition.refresh_from_db()
    assert (proposition.statut, proposition.avancement, proposition.version) == (
        Statut.MAQUETTEE,
        15,
        1,
    )
    assert entree.auteur == pilote
    assert entree.changements == {
        "statut": {"avant": "idee", "apres": "maquettee"},
        "avancement": {"avant": 0, "apres": 15},
    }
    assert entree.changements_lisibles() == [
        "Statut : Idée → Maquettée",
        "Avancement : 0 % → 15 %",
    ]


def test_the_lifecycle_forbids_jumps(proposition, pilote):
    with pytest.raises(ValidationError) as erreur:
        mettre_a_jour(proposition, pilote, statut=Statut.EN_COURS)
    assert erreur.value.message_dict["statut"] == [
        "Une proposition « Idée » ne peut pas passer directement à « En cours »."
    ]
    proposition.refresh_from_db()
    assert proposition.statut == Statut.IDEE
    assert not proposition.journal.exists()


def test_one_step_back_corrects_a_mistake(proposition, pilote):
    mettre_a_jour(proposition, pilote, statut=Statut.MAQUETTEE)
    mettre_a_jour(proposition, pilote, statut=Statut.IDEE)
    proposition.refresh_from_db()
    assert proposition.statut == Statut.IDEE


def test_abandoning_needs_a_reason_and_is_final(proposition, pilote):
    with pytest.raises(ValidationError) as erreur:
        mettre_a_jour(proposition, pilote, statut=Statut.ABANDONNEE, motif_abandon="  ")
    assert "motif_abandon" in erreur.value.message_dict
    mettre_a_jour(proposition, pilote, statut=Statut.ABANDONNEE, motif_abandon="Doublon.")
    proposition.refresh_from_db()
    assert (proposition.statut, proposition.motif_abandon) == (Statut.ABANDONNEE, "Doublon.")
    assert proposition.transitions() == []
    with pytest.raises(ValidationError):
        mettre_a_jour(proposition, pilote, statut=Statut.IDEE)


def test_done_means_one_hundred_percent(pilote):
    en_cours = PropositionFactory(
        sujet=pilote.pilotages.get().sujet, statut=Statut.EN_COURS, avancement=80
    )
    mettre_a_jour(en_cours, pilote, statut=Statut.REALISEE)
    en_cours.refresh_from_db()
    assert (en_cours.statut, en_cours.avancement) == (Statut.REALISEE, 100)


@pytest.mark.parametrize("avancement", [-1, 101])
def test_avancement_out_of_bounds_is_refused(proposition, pilote, avancement):
    with pytest.raises(ValidationError, match="de 0 à 100"):
        mettre_a_jour(proposition, pilote, avancement=avancement)


def test_clouds_need_an_explanation_and_the_sun_clears_it(proposition, pilote):
    with pytest.raises(ValidationError) as erreur:
        mettre_a_jour(proposition, pilote, meteo=Meteo.ORAGE)
    assert "meteo_explication" in erreur.value.message_dict
    mettre_a_jour(proposition, pilote, meteo=Meteo.ORAGE, meteo_explication="Budget gelé.")
    mettre_a_jour(proposition, pilote, meteo=Meteo.SOLEIL)
    proposition.refresh_from_db()
    assert (proposition.meteo, proposition.meteo_explication) == (Meteo.SOLEIL, "")
    dernier = proposition.journal.order_by("-id").first()
    assert dernier.changements["meteo_explication"] == {"avant": "Budget gelé.", "apres": ""}


def test_a_text_only_entry_and_an_empty_one(proposition, pilote):
    entree = mettre_a_jour(proposition, pilote, texte="  Réunion avec la DRH.  ")
    assert (entree.texte, entree.changements) == ("Réunion avec la DRH.", {})
    proposition.refresh_from_db()
    assert proposition.version == 0  # a text changes no state
    assert mettre_a_jour(proposition, pilote) is None
    assert proposition.journal.count() == 1


# --- Stale forms --------------------------------------------------------------------------
def test_a_stale_change_is_refused_never_overwritten(proposition, pilote):
    version_lue = proposition.version
    services.proposition_mettre_a_jour(
        proposition=proposition,
        acteur=pilote,
        version=version_lue,
        changement=Changement(avancement=30),
    )
    with pytest.raises(ValidationError) as erreur:
        services.proposition_mettre_a_jour(
            proposition=proposition,
            acteur=pilote,
            version=version_lue,
            changement=Changement(avancement=10),
        )
    assert erreur.value.code == "perimee"
    proposition.refresh_from_db()
    assert proposition.avancement == 30


def test_a_journal_text_from_a_stale_page_still_lands(proposition, pilote):
    version_lue = proposition.version
    mettre_a_jour(proposition, pilote, avancement=30)
    services.proposition_mettre_a_jour(
        proposition=proposition, acteur=pilote, version=version_lue, texte="Vu avec la DG."
    )
    assert proposition.journal.filter(texte="Vu avec la DG.").exists()


# --- Who may change -----------------------------------------------------------------------
def test_only_the_sujets_pilotes_and_the_lab_change_a_proposition(proposition, lab, dg):
    autre_pilote = PilotageFactory().agent
    for intrus in (AgentFactory(), dg, autre_pilote):
        with pytest.raises(PermissionDenied):
            mettre_a_jour(proposition, intrus, texte="Je passe par là.")
        with pytest.raises(PermissionDenied):
            services.jalon_ajouter(
                proposition=proposition, titre="X", echeance=timezone.localdate(), acteur=intrus
            )
    assert not proposition.journal.exists() and not proposition.jalons.exists()
    mettre_a_jour(proposition, lab, texte="Le Lab' suit toutes les propositions.")
    assert proposition.journal.count() == 1


# --- Milestones ---------------------------------------------------------------------------
def test_milestones_are_added_changed_completed_reopened_and_journaled(proposition, pilote):
    echeance = timezone.localdate() + dt.timedelta(days=20)
    jalon = services.jalon_ajouter(
        proposition=proposition, titre=" Cahier des charges ", echeance=echeance, acteur=pilote
    )
    assert jalon.titre == "Cahier des charges"
    services.jalon_modifier(jalon=jalon, titre="Cahier validé", echeance=echeance, acteur=pilote)
    services.jalon_marquer_fait(jalon=jalon, acteur=pilote)
    services.jalon_marquer_fait(jalon=jalon, acteur=pilote)  # twice: once in the journal
    services.jalon_rouvrir(jalon=jalon, acteur=pilote)
    jalon.refresh_from_db()
    assert (jalon.titre, jalon.fait_le) == ("Cahier validé", None)
    evenements = [
        p.changements["jalon"]["evenement"]
        for p in PointAvancement.objects.filter(proposition=proposition).order_by("id")
    ]
    assert evenements == ["ajoute", "modifie", "fait", "rouvert"]


def test_a_milestone_needs_a_title_and_a_date(proposition, pilote):
    with pytest.raises(ValidationError) as erreur:
        services.jalon_ajouter(proposition=proposition, titre=" ", echeance=None, acteur=pilote)
    assert set(erreur.value.message_dict) == {"titre", "echeance"}
    assert not Jalon.objects.exists()


def test_milestones_of_another_sujet_are_out_of_reach(pilote):
    jalon = JalonFactory()
    with pytest.raises(PermissionDenied):
        services.jalon_marquer_fait(jalon=jalon, acteur=pilote)


# --- Tester feedback and records of the Lab' ----------------------------------------------
def test_test_feedback_comes_from_a_tester_journee_by_the_lab(proposition, lab, pilote):
    tester = JourneeFactory(phase="tester", titre="Tester — Toulouse")
    with pytest.raises(PermissionDenied):
        services.retour_test_ajouter(
            proposition=proposition, journee=tester, synthese="x", acteur=pilote
        )
    with pytest.raises(ValidationError) as erreur:
        services.retour_test_ajouter(
            proposition=proposition, journee=JourneeFactory(phase="creer"), synthese="", acteur=lab
        )
    assert set(erreur.value.message_dict) == {"journee", "synthese"}
    retour = services.retour_test_ajouter(
        proposition=proposition, journee=tester, synthese="Compris.", nombre_testeurs=8, acteur=lab
    )
    assert retour.auteur == lab
    assert (
        proposition.journal.get().texte
        == "Retours recueillis lors de la journée « Tester — Toulouse »."
    )


def test_a_proposition_is_born_in_a_creer_journee(lab):
    sujet = SujetFactory()
    creer = JourneeFactory(phase="creer", titre="Créer — Montpellier")
    proposition = services.proposition_creer(
        sujet=sujet, titre=" Covoiturage ", journee_origine=creer, acteur=lab
    )
    assert proposition.titre == "Covoiturage"
    assert (
        proposition.journal.get().texte
        == "Proposition née lors de la journée « Créer — Montpellier »."
    )
    with pytest.raises(ValidationError, match="journées « Créer »"):
        services.proposition_creer(
            sujet=sujet, titre="X", journee_origine=JourneeFactory(phase="tester"), acteur=lab
        )
    with pytest.raises(PermissionDenied):
        services.proposition_creer(sujet=sujet, titre="X", acteur=AgentFactory())


# --- CSV import ---------------------------------------------------------------------------
@pytest.fixture
def creer():
    return JourneeFactory(phase="creer")


def test_csv_import_from_excel(lab, creer):
    mobilite = SujetFactory(titre="Mobilités durables", slug="mobilites-durables")
    accueil = SujetFactory(titre="Accueil des nouveaux agents", slug="accueil")
    contenu = (
        "\ufeffsujet;titre;description\n"
        "mobilites-durables;Covoiturage entre agents;Une plateforme\n"
        "Accueil des nouveaux agents;Parrainage;\n"
        ";;\n"
    ).encode()
    creees = services.propositions_importer(journee=creer, contenu=contenu, acteur=lab)
    assert [(p.sujet, p.titre) for p in creees] == [
        (mobilite, "Covoiturage entre agents"),
        (accueil, "Parrainage"),
    ]
    assert all(p.journee_origine == creer for p in creees)


def test_csv_import_is_all_or_nothing_and_names_the_lines(lab, creer):
    SujetFactory(slug="accueil")
    contenu = "sujet,titre\naccueil,Parrainage\ninconnu,Autre\naccueil,\n".encode("cp1252")
    with pytest.raises(ValidationError) as erreur:
        services.propositions_importer(journee=creer, contenu=contenu, acteur=lab)
    assert erreur.value.messages == [
        "Ligne 3 : sujet inconnu « inconnu ».",
        "Ligne 4 : le titre est vide.",
    ]
    assert not Proposition.objects.exists()


def test_csv_import_needs_its_columns(lab, creer):
    with pytest.raises(ValidationError, match="Manquantes : sujet"):
        services.propositions_importer(journee=creer, contenu=b"titre\nX\n", acteur=lab)


def test_csv_import_reports_the_lines_that_would_break_the_database(lab, creer):
    SujetFactory(slug="accueil")
    contenu = (
        "sujet;titre;description\n"
        "accueil;Parrainage;ok\n"
        "\n"
        f"accueil;{'x' * 251};trop long\n"
        "accueil;Trop;de;colonnes\n"
    ).encode()
    with pytest.raises(ValidationError) as erreur:
        services.propositions_importer(journee=creer, contenu=contenu, acteur=lab)
    assert erreur.value.messages == [
        "Ligne 4 : le titre dépasse 250 caractères.",
        "Ligne 5 : trop de colonnes (une virgule ou un point-virgule dans un texte doit être "
        "entre guillemets).",
    ]
    assert not Proposition.objects.exists()


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        (b"sujet;titre\naccueil;A\x00B\n", "pas un fichier texte CSV"),
        (b'sujet;titre\naccueil;"' + b"x" * 200_000 + b'"\n', "Fichier CSV illisible"),
    ],
    ids=["octet-nul", "champ-geant"],
)
def test_csv_import_refuses_unreadable_files(lab, creer, contenu, message):
    SujetFactory(slug="accueil")
    with pytest.raises(ValidationError, match=message):
        services.propositions_importer(journee=creer, contenu=contenu, acteur=lab)


def test_csv_import_runs_a_fixed_number_of_queries(lab, creer, django_assert_max_num_queries):
    SujetFactory(slug="accueil")
    contenu = ("sujet;titre\n" + "".join(f"accueil;Idée {n}\n" for n in range(200))).encode()
    with django_assert_max_num_queries(12):
        creees = services.propositions_importer(journee=creer, contenu=contenu, acteur=lab)
    assert len(creees) == 200
    assert PointAvancement.objects.filter(proposition__journee_origine=creer).count() == 200


def test_a_stale_form_for_a_state_change_is_told_before_lifecycle_errors(proposition, pilote):
    mettre_a_jour(proposition, pilote, statut=Statut.MAQUETTEE)
    mettre_a_jour(proposition, pilote, statut=Statut.TESTEE)
    with pytest.raises(ValidationError) as erreur:
        services.proposition_mettre_a_jour(
            proposition=proposition,
            acteur=pilote,
            version=0,
            changement=Changement(statut=Statut.MAQUETTEE),
        )
    assert erreur.value.code == "perimee"


def test_a_done_proposition_refuses_another_avancement(pilote):
    realisee = PropositionFactory(
        sujet=pilote.pilotages.get().sujet, statut=Statut.REALISEE, avancement=100
    )
    with pytest.raises(ValidationError) as erreur:
        mettre_a_jour(realisee, pilote, avancement=60)
    assert erreur.value.message_dict["avancement"] == ["Une proposition réalisée est à 100 %."]


def test_saving_a_milestone_unchanged_writes_nothing(proposition, pilote):
    jalon = JalonFactory(proposition=proposition, titre="Cadrage")
    services.jalon_modifier(jalon=jalon, titre="Cadrage", echeance=jalon.echeance, acteur=pilote)
    assert not proposition.journal.exists()
    nouvelle = jalon.echeance + dt.timedelta(days=7)
    services.jalon_modifier(jalon=jalon, titre="Cadrage", echeance=nouvelle, acteur=pilote)
    (ligne,) = proposition.journal.get().changements_lisibles()
    assert ligne == (
        f"Jalon « Cadrage » : modifié, échéance {jalon.echeance:%d/%m/%Y} → {nouvelle:%d/%m/%Y}"
    )
