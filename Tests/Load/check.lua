wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "lang=ru&code=" .. os.getenv("CODE")
