"""Texts of the demo dataset.

The five axes are the real ones (source text). Everything else is invented, plausible demo
data: the 18 sujets are not listed in the source, and each one says it is an example.
"""

MENTION_DEMO = "Sujet fictif, créé pour la démonstration de l'outil."

AXES = [
    (
        1,
        "Accompagner les transitions",
        "#1b6b3a",
        "Transitions écologique, numérique et démographique : adapter nos pratiques et "
        "accompagner les agents dans ces changements.",
    ),
    (
        2,
        "Aller vers les territoires",
        "#1d4f91",
        "Être présents au plus près des habitants et des acteurs locaux, partout sur le "
        "territoire régional.",
    ),
    (
        3,
        "Renforcer notre culture usagers",
        "#8a4b00",
        "Partir des besoins des usagers pour concevoir et améliorer nos services.",
    ),
    (
        4,
        "Soigner notre marque employeur",
        "#6b2c91",
        "Attirer, accueillir, faire grandir et garder les talents de la collectivité.",
    ),
    (
        5,
        "Faire équipe",
        "#a1123a",
        "Travailler ensemble entre services et directions : transversalité, intelligence "
        "collective, démarche apprenante.",
    ),
]

# (axe numero, titre, problématique, four propositions born in the Créer journées)
SUJETS = [
    (
        1,
        "Sobriété énergétique de nos bâtiments et de nos pratiques",
        "Comment réduire durablement nos consommations sans dégrader les conditions de travail ?",
        [
            "Un référent sobriété dans chaque site",
            "Tableau de bord des consommations par bâtiment, ouvert à tous",
            "Défi « bureaux à énergie positive » entre services",
            "Guide des bons gestes au bureau et en déplacement",
        ],
    ),
    (
        1,
        "Transition numérique : des outils au service des agents",
        "Nos outils numériques aident-ils vraiment les agents dans leur travail quotidien ?",
        [
            "Ateliers « un outil, une heure » animés par des agents",
            "Réseau d'ambassadeurs du numérique dans les directions",
            "Espace unique pour trouver les applications métiers",
            "Accompagnement individuel des agents éloignés du numérique",
        ],
    ),
    (
        1,
        "Mobilités durables des agents",
        "Comment faciliter les trajets domicile-travail et professionnels moins carbonés ?",
        [
            "Plateforme de covoiturage entre agents",
            "Flotte de vélos à assistance électrique sur les sites",
            "Forfait mobilités durables simplifié",
            "Carte des sites accessibles en transports en commun",
        ],
    ),
    (
        1,
        "Achats responsables",
        "Comment intégrer critères sociaux et environnementaux dans tous nos achats ?",
        [
            "Clauses environnementales types dans les marchés",
            "Formation des acheteurs aux achats responsables",
            "Catalogue de fournitures éco-conçues",
            "Bilan annuel des achats responsables partagé",
        ],
    ),
    (
        2,
        "Maisons de Ma Région : un accueil de proximité renforcé",
        "Comment les Maisons de Ma Région peuvent-elles mieux relayer l'action régionale ?",
        [
            "Permanences thématiques des directions en Maison de Ma Région",
            "Formation commune des agents d'accueil",
            "Agenda partagé des événements territoriaux",
            "Bus itinérant des services régionaux",
        ],
    ),
    (
        2,
        "Travailler avec les acteurs locaux",
        "Comment mieux coopérer avec communes, intercommunalités et associations ?",
        [
            "Annuaire des interlocuteurs régionaux par territoire",
            "Rencontres annuelles des partenaires locaux",
            "Point d'entrée unique pour les élus locaux",
            "Retour systématique aux partenaires après un dépôt de dossier",
        ],
    ),
    (
        2,
        "Télétravail et tiers-lieux en territoire",
        "Comment permettre aux agents de travailler près de chez eux, partout en région ?",
        [
            "Réseau de tiers-lieux conventionnés ouverts aux agents",
            "Réservation en ligne de postes dans les sites régionaux",
            "Charte du travail hybride",
            "Kit d'accueil des agents en tiers-lieu",
        ],
    ),
    (
        2,
        "Mieux connaître les territoires",
        "Comment partager entre directions ce que nous savons de chaque territoire ?",
        [
            "Portraits de territoires partagés et mis à jour",
            "Immersions d'agents du siège en territoire",
            "Cartographie des interventions régionales",
            "Lettre trimestrielle des territoires",
        ],
    ),
    (
        3,
        "Simplifier nos démarches et nos courriers",
        "Nos courriers et formulaires sont-ils compréhensibles par tous ?",
        [
            "Charte du langage clair",
            "Relecture des courriers types par des usagers",
            "Formulaires en ligne pré-remplis",
            "Formation « écrire simple » pour les agents",
        ],
    ),
    (
        3,
        "Écouter les usagers : mesurer leur satisfaction",
        "Comment recueillir et exploiter la parole des usagers ?",
        [
            "Questionnaire de satisfaction après chaque démarche",
            "Panel d'usagers consultés deux fois par an",
            "Publication des résultats de satisfaction",
            "Traitement des réclamations en moins de quinze jours",
        ],
    ),
    (
        3,
        "Accessibilité de nos services",
        "Nos services sont-ils accessibles à toutes et à tous, en ligne et au guichet ?",
        [
            "Audit d'accessibilité des démarches en ligne",
            "Accueil adapté pour les personnes malentendantes",
            "Documents en facile à lire et à comprendre (FALC)",
            "Référents accessibilité dans chaque direction",
        ],
    ),
    (
        3,
        "Un parcours des aides régionales lisible",
        "Comment un porteur de projet trouve-t-il l'aide régionale qui lui correspond ?",
        [
            "Simulateur d'éligibilité aux aides",
            "Suivi en ligne de l'état d'un dossier",
            "Un conseiller référent par dossier complexe",
            "Calendrier unique des appels à projets",
        ],
    ),
    (
        4,
        "Accueillir et intégrer les nouveaux agents",
        "Comment réussir les premiers mois d'un agent qui nous rejoint ?",
        [
            "Parcours d'intégration sur trois mois",
            "Parrainage des nouveaux arrivants",
            "Journée d'accueil trimestrielle avec la direction générale",
            "Livret d'accueil numérique",
        ],
    ),
    (
        4,
        "Parcours professionnels et mobilité interne",
        "Comment faire connaître et faciliter les évolutions au sein de la collectivité ?",
        [
            "Bourse interne des postes plus visible",
            "Vis ma vie entre métiers",
            "Entretiens de carrière à la demande",
            "Cartographie des métiers de la Région",
        ],
    ),
    (
        4,
        "Qualité de vie et des conditions de travail",
        "Comment prendre soin des agents et de leurs conditions de travail ?",
        [
            "Espaces de convivialité dans chaque site",
            "Droit à la déconnexion inscrit dans une charte",
            "Baromètre social annuel",
            "Programme d'activités physiques sur le temps de pause",
        ],
    ),
    (
        5,
        "Transversalité : travailler en mode projet entre directions",
        "Comment dépasser les silos pour mener des projets entre directions ?",
        [
            "Boîte à outils du travail en mode projet",
            "Équipes projet inter-directions sur les grands chantiers",
            "Salle de créativité réservable par tous",
            "Communauté des chefs de projet",
        ],
    ),
    (
        5,
        "Management : partager les pratiques des encadrants",
        "Comment les encadrants peuvent-ils apprendre les uns des autres ?",
        [
            "Codéveloppement entre encadrants",
            "Séminaire annuel des encadrants",
            "Référentiel managérial co-construit",
            "Mentorat des nouveaux encadrants",
        ],
    ),
    (
        5,
        "Circulation de l'information interne",
        "Comment chaque agent est-il informé de ce qui se passe dans la collectivité ?",
        [
            "Intranet refondu autour des besoins des agents",
            "Lettre interne hebdomadaire",
            "Rencontres trimestrielles avec la direction générale",
            "Annuaire des compétences des agents",
        ],
    ),
]

# (sigle, nom, effectif, services généraux)
DIRECTIONS = [
    ("DGS", "Direction générale des services", 60, True),
    ("DRH", "Direction des ressources humaines", 220, True),
    ("DFIN", "Direction des finances", 150, True),
    ("DNSI", "Direction du numérique et des systèmes d'information", 180, True),
    ("DTEE", "Direction de la transition écologique et énergétique", 140, True),
    ("DMIT", "Direction des mobilités et des infrastructures de transport", 210, True),
    ("DEF", "Direction de l'emploi et de la formation", 190, True),
    ("DEI", "Direction de l'économie et de l'innovation", 160, True),
    ("DAAF", "Direction de l'agriculture, de l'agroalimentaire et de la forêt", 120, True),
    ("DCP", "Direction de la culture et du patrimoine", 110, True),
    ("DSPORT", "Direction des sports", 60, True),
    ("DAT", "Direction de l'aménagement du territoire", 130, True),
    ("DCOM", "Direction de la communication", 70, True),
    ("DAJCP", "Direction des affaires juridiques et de la commande publique", 90, True),
    ("MMR", "Maisons de Ma Région", 200, True),
    ("EPLE", "Agents des lycées", 5200, False),
]

# fmt: off
PRENOMS = [
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Julie", "Emma", "Lucie", "Anaïs",
    "Claire", "Nadia", "Sophie", "Élodie", "Marion", "Amandine", "Fatima", "Laura", "Pauline",
    "Hélène", "Thomas", "Nicolas", "Julien", "Maxime", "Antoine", "Hugo", "Lucas", "Karim",
    "Mathieu", "Romain", "Pierre", "Olivier", "Sébastien", "Mehdi", "Vincent", "Guillaume",
    "Jordi", "Bernard", "Alain", "Yannick",
]
# fmt: on

NOMS = [
    "Martin",
    "Bernard",
    "Dubois",
    "Durand",
    "Lefebvre",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Garcia",
    "Martinez",
    "Roux",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Blanc",
    "Guerin",
    "Boyer",
    "Chevalier",
    "Robin",
    "Gauthier",
    "Perrin",
    "Morel",
    "Mercier",
    "Benali",
    "Rodriguez",
    "Lopez",
    "Fabre",
    "Vidal",
    "Cazals",
    "Roques",
    "Pujol",
    "Sanchez",
    "Castel",
    "Marty",
    "Combes",
    "Bousquet",
    "Ferrer",
    "Delmas",
    "Carrere",
]

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

TEXTES_JOURNAL = [
    "Réunion de lancement avec les directions concernées.",
    "Première version de la maquette partagée avec l'équipe du Lab'.",
    "Rencontre avec trois agents volontaires pour recueillir leurs besoins.",
    "Point d'étape avec la direction générale : feu vert pour continuer.",
    "Cahier des charges rédigé, en relecture auprès des services.",
    "Budget confirmé pour l'année prochaine.",
    "Retours des testeurs intégrés dans la nouvelle version.",
    "Échange avec une autre région qui a mené un projet proche.",
    "Calendrier revu : le déploiement est décalé d'un mois.",
    "Communication préparée avec la direction de la communication.",
    "Premier site pilote identifié, démarrage prévu le mois prochain.",
    "Atelier avec les encadrants pour préparer le déploiement.",
    "Bilan du site pilote : retours positifs, deux ajustements à faire.",
    "Déploiement étendu à une deuxième direction.",
]

EXPLICATIONS_METEO = {
    "nuage": [
        "Le recrutement du chef de projet prend du retard.",
        "Dépendance à un marché public pas encore attribué.",
        "Charge de travail forte des équipes en fin d'année.",
    ],
    "orage": [
        "Budget non confirmé : arbitrage attendu de la direction générale.",
        "Désaccord entre directions sur le pilotage, décision nécessaire.",
    ],
}

MOTIFS_ABANDON = [
    "Fusionnée avec une proposition voisine du même sujet.",
    "Jugée trop coûteuse au regard du bénéfice attendu lors des tests.",
]

JALONS = [
    "Cadrage validé",
    "Maquette prête",
    "Test auprès des agents",
    "Décision de déploiement",
    "Déploiement sur un site pilote",
    "Généralisation",
]
