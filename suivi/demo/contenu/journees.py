"""The journées' texts: the journées of the source text (2025), the upcoming ones, and each
phase's programme and lessons learnt."""

# (phase, titre, date ISO, ville, lieu, adresse, capacité)
# fmt: off
JOURNEES_2025 = [
    ("explorer", "Explorer — Montpellier", "2025-04-10", "Montpellier", "Hôtel de Région",
     "201 avenue de la Pompignane, 34000 Montpellier", 80),
    ("explorer", "Explorer — Toulouse", "2025-04-17", "Toulouse", "Hôtel de Région",
     "22 boulevard du Maréchal Juin, 31400 Toulouse", 80),
    ("explorer", "Explorer — Aude", "2025-05-06", "Carcassonne", "Maison de Ma Région",
     "Carcassonne (Aude)", 40),
    ("explorer", "Explorer — Toulouse, deuxième session", "2025-05-20", "Toulouse",
     "Hôtel de Région", "22 boulevard du Maréchal Juin, 31400 Toulouse", 60),
    ("creer", "Créer — Toulouse", "2025-06-12", "Toulouse", "Hôtel de Région",
     "22 boulevard du Maréchal Juin, 31400 Toulouse", 60),
    ("creer", "Créer — Montpellier", "2025-06-26", "Montpellier", "Hôtel de Région",
     "201 avenue de la Pompignane, 34000 Montpellier", 60),
    ("creer", "Créer — Toulouse, deuxième session", "2025-07-03", "Toulouse", "Hôtel de Région",
     "22 boulevard du Maréchal Juin, 31400 Toulouse", 50),
    ("tester", "Tester — Montpellier", "2025-10-02", "Montpellier", "Hôtel de Région",
     "201 avenue de la Pompignane, 34000 Montpellier", 50),
    ("tester", "Tester — Toulouse", "2025-10-07", "Toulouse", "Hôtel de Région",
     "22 boulevard du Maréchal Juin, 31400 Toulouse", 50),
]
# fmt: on

# Upcoming journées, dated from the day the demo is loaded: (phase, titre, days ahead,
# ville, lieu, adresse, capacité, share of seats taken, days until registration opens)
# fmt: off
JOURNEES_A_VENIR = [
    ("tester", "Tester — Montpellier, nouvelles maquettes", 21, "Montpellier", "Hôtel de Région",
     "201 avenue de la Pompignane, 34000 Montpellier", 40, 1.3, -10),
    ("tester", "Tester — Narbonne", 45, "Narbonne", "Maison de Ma Région",
     "Narbonne (Aude)", 30, 0.5, -5),
    ("explorer", "Explorer — Tarbes, retour d'expérience", 80, "Tarbes", "Maison de Ma Région",
     "Tarbes (Hautes-Pyrénées)", 40, 0.0, 20),
]
# fmt: on

PROGRAMME = {
    "explorer": (
        "9 h 00 · Accueil café\n9 h 30 · Ouverture par la direction générale\n"
        "10 h 00 · Ateliers « regards croisés » par sujet\n12 h 30 · Déjeuner\n"
        "14 h 00 · Partage de ce qui se fait déjà\n16 h 00 · Pistes pour aller plus loin\n"
        "16 h 45 · Clôture"
    ),
    "creer": (
        "9 h 00 · Accueil\n9 h 30 · Rappel des enseignements des journées Explorer\n"
        "10 h 00 · Ateliers d'idéation par sujet\n12 h 30 · Déjeuner\n"
        "14 h 00 · Construction des propositions\n16 h 00 · Présentation en plénière\n"
        "16 h 45 · Clôture"
    ),
    "tester": (
        "9 h 00 · Accueil\n9 h 30 · Présentation des maquettes par les pilotes\n"
        "10 h 00 · Tests en petits groupes\n12 h 30 · Déjeuner\n"
        "14 h 00 · Améliorations et retours\n16 h 30 · Clôture"
    ),
}

ENSEIGNEMENTS = {
    "explorer": (
        "Les participants ont beaucoup partagé ce qui existe déjà dans leurs services : "
        "de nombreuses initiatives sont peu connues au-delà de leur direction. "
        "Besoin exprimé d'un lieu pour les faire circuler."
    ),
    "creer": (
        "Les ateliers mêlant agents du siège et des territoires ont produit les propositions "
        "les plus concrètes. Prévoir davantage de temps pour la présentation en plénière."
    ),
    "tester": (
        "Les maquettes testées par des agents qui n'avaient pas participé aux étapes "
        "précédentes ont apporté les retours les plus utiles."
    ),
}
