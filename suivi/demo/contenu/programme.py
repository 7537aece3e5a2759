"""The programme's texts: the five axes (the real ones, from the source text) and the 18
sujets (invented, each saying it is an example), with the propositions born in the Créer
journées."""

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
