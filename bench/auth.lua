-- GET with a bearer token; TOKEN is substituted by bench/run.sh.
wrk.headers["Authorization"] = "Bearer TOKEN"
