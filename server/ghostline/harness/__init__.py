"""The client side of the protocol: a small real LSP client driving ``ghostline serve`` (demo, benchmarks).

It uses pygls' ``LanguageClient`` (the server side lives in ``lsp/``); nothing here is imported by the server.
"""
