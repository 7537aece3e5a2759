-- wrk script of make bench: a logged-in request, GET or POST (with the CSRF token, and as
-- HTMX if asked), for one session or for a list of sessions used in turn (each request of a
-- registration run is a different agent). Prints one JSON object when done.
--
-- Environment: BENCH_METHODE (GET|POST), BENCH_CORPS (form body), BENCH_HTMX (1 or empty),
-- BENCH_SESSIONS (file: one session key a line), BENCH_CSRF (the CSRF cookie and header).

local methode = os.getenv("BENCH_METHODE") or "GET"
local corps = os.getenv("BENCH_CORPS") or ""
local htmx = os.getenv("BENCH_HTMX") == "1"
local csrf = os.getenv("BENCH_CSRF") or ""
local fichier = os.getenv("BENCH_SESSIONS")

local sessions = {}
for ligne in io.lines(fichier) do
  if ligne ~= "" then table.insert(sessions, ligne) end
end

-- Globals on purpose: wrk's setup() and done() reach the threads' globals (fil:set/get).
fils = {}
compte_fils = 0
numero = 1
mauvais = 0
local rang = 0
local pas = 1

function setup(fil)
  compte_fils = compte_fils + 1
  fil:set("numero", compte_fils)
  table.insert(fils, fil)
end

function init(args)
  -- Thread n starts at session n and strides by the thread count: no two threads share one.
  rang = numero - 1
  pas = tonumber(os.getenv("BENCH_FILS") or "1")
end

function request()
  local session = sessions[(rang % #sessions) + 1]
  rang = rang + pas
  local entetes = {
    ["Cookie"] = "sessionid=" .. session .. "; csrftoken=" .. csrf,
  }
  if methode == "POST" then
    entetes["Content-Type"] = "application/x-www-form-urlencoded"
    entetes["X-CSRFToken"] = csrf
  end
  if htmx then
    entetes["HX-Request"] = "true"
  end
  return wrk.format(methode, nil, entetes, methode == "POST" and corps or nil)
end

function response(statut, entetes, reponse)
  -- A page answers 200; a plain form POST answers 302 to its page (PRG). Anything else (a
  -- redirection to the login page included) is an error.
  if not (statut == 200 or (methode == "POST" and not htmx and statut == 302)) then
    mauvais = mauvais + 1
  end
end

function done(resume, latence, requetes)
  local erreurs = resume.errors.connect + resume.errors.read + resume.errors.write
    + resume.errors.timeout
  local refus = 0
  for _, fil in ipairs(fils) do
    refus = refus + (fil:get("mauvais") or 0)
  end
  io.write(string.format(
    '{"requetes": %d, "duree_s": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, "erreurs": %d}\n',
    resume.requests, resume.duration / 1e6, latence:percentile(50) / 1000,
    latence:percentile(95) / 1000, erreurs + refus
  ))
end
