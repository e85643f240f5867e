"""`tabletop serve`: the workshop in a browser, each role behind its own join code.

Layout
    codes.py      join codes: made (100 bits, read aloud in groups), normalised as typed, hashed with scrypt
    stored.py     what serve keeps beside the log: the codes' hashes and the cookie key
    cookies.py    the signed cookie a code is exchanged for
    ratelimit.py  wrong codes from one address: 429 for a while, in bounded memory
    pages.py      the join page and the refusals, plain HTML
    server.py     textual-serve's Server with the join in front of every console
    process.py    one console process per connection, in its own process group, killed with it
    console.py    the process a connection runs (`python -m exercise.serve.console`): one role's console, its
                  session handed over in its environment, never on its command line
    proctitle.py  the server's own line in the process list, a URL's password shown as ***
    bots.py       the bot nations, played by the server as soon as a decision opens

Only server.py and process.py import textual-serve, and proctitle.py setproctitle (the `serve` extra); the CLI
imports them inside `serve`.
"""
