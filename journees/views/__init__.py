"""The journées' views: agents register and cancel; organisers run the day.

- ``agents``: the journées list, a journée's page, registering and cancelling (also from the
  e-mails' link), mes inscriptions and the calendar;
- ``organisateurs``: the équipe du Lab's pages: creating and editing a journée, the
  registrants (organisation), the émargement, the exports and the bilan;
- ``commun``: what both share (the answer to a refused write).

Every write is a POST handled by a service. HTMX requests get the updated fragment of the
same template (status 422 with the error when refused); plain form posts are redirected to
the page with a message, so that everything works without JavaScript.
"""
