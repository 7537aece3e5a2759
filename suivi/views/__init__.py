"""The suivi's views, thin: they check the access rule, read through ``suivi.selectors`` or
``suivi.parties`` (the parts read or rendered once for every reader), write through
``suivi.services``, and answer.

- ``programme``: the programme, an axe, a sujet, the propositions born at a Créer journée;
- ``proposition``: a proposition's page and its HTMX writes (points d'étape, jalons, retours);
- ``pilotage``: the pilote's workspace and the feuille de route;
- ``donnees``: "Mes données" and their download.
"""
