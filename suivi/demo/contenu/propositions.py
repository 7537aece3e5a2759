"""The propositions' texts: journal entries, weather explanations, reasons for abandoning
and milestones."""

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
