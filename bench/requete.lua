-- wrk script of make bench: requests read from a file, one a line, used in turn (each thread
-- starts at its own line and strides by the thread count: no two threads send the same one at
-- once). A line: METHOD <tab> path <tab> session key ("-": none, anonymous) <tab> form body
-- <tab> "1" for an HTMX request. POSTs carry the CSRF cookie and header. Prints one JSON
-- object when done, with how many answers said they came from the cache (Server-Timing).
--
-- Environment: BENCH_REQUETES (the file), BENCH_CSRF (the CSRF cookie and header),
-- BENCH_FILS (wrk's thread count), BENCH_DELAI_MS (a pause between requests, or 0).

local csrf = os.getenv("BENCH_CSRF") or ""
local fichier = os.getenv("BENCH_REQUETES")

local requetes = {}
local post_sans_htmx = false -- a plain form POST answers 302 to its page (PRG)
for ligne in io.lines(fichier) do
  if ligne ~= "" then
    local methode, chemin, session, corps, htmx = ligne:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
    table.insert(requetes, {methode = methode, chemin = chemin, session = session,
                            corps = corps, htmx = htmx == "1"})
    post_sans_htmx = post_sans_htmx or (methode == "POST" and htmx ~= "1")
  end
end

-- Globals on purpose: wrk's setup() and done() reach the threads' globals (fil:set/get).
fils = {}
compte_fils = 0
numero = 1
mauvais = 0
lues = 0
calculees = 0
local rang = 0
local pas = 1

-- A writer's pace: each connection waits this long between its requests.
local delai = tonumber(os.getenv("BENCH_DELAI_MS") or "0")
if delai > 0 then
  function delay()
    return delai
  end
end

function setup(fil)
  compte_fils = compte_fils + 1
  fil:set("numero", compte_fils)
  table.insert(fils, fil)
end

function init(args)
  rang = numero - 1
  pas = tonumber(os.getenv("BENCH_FILS") or "1")
end

function request()
  local r = requetes[(rang % #requetes) + 1]
  rang = rang + pas
  local entetes = {}
  local cookies = "csrftoken=" .. csrf
  if r.session ~= "-" then
    cookies = "sessionid=" .. r.session .. "; " .. cookies
  end
  entetes["Cookie"] = cookies
  if r.methode == "POST" then
    entetes["Content-Type"] = "application/x-www-form-urlencoded"
    entetes["X-CSRFToken"] = csrf
  end
  if r.htmx then
    entetes["HX-Request"] = "true"
  end
  return wrk.format(r.methode, r.chemin, entetes, r.methode == "POST" and r.corps or nil)
end

function response(statut, entetes, reponse)
  -- A page answers 200 (a plain form POST: 302). Anything else (a redirection to the login
  -- page included) is an error.
  if not (statut == 200 or (post_sans_htmx and statut == 302)) then
    mauvais = mauvais + 1
  end
  local cache = entetes["Server-Timing"] or entetes["server-timing"]
  if cache ~= nil then
    if cache:find("desc=hit", 1, true) then
      lues = lues + 1
    else
      calculees = calculees + 1
    end
  end
end

function done(resume, latence, requetes_faites)
  local erreurs = resume.errors.connect + resume.errors.read + resume.errors.write
    + resume.errors.timeout
  local refus, total_lues, total_calculees = 0, 0, 0
  for _, fil in ipairs(fils) do
    refus = refus + (fil:get("mauvais") or 0)
    total_lues = total_lues + (fil:get("lues") or 0)
    total_calculees = total_calculees + (fil:get("calculees") or 0)
  end
  io.write(string.format(
    '{"requetes": %d, "duree_s": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, "erreurs": %d, '
      .. '"lues": %d, "calculees": %d}\n',
    resume.requests, resume.duration / 1e6, latence:percentile(50) / 1000,
    latence:percentile(95) / 1000, erreurs + refus, total_lues, total_calculees
  ))
end
