"""The HTTP benchmark's Python peer: the pinned SDK's FastMCP (1.30.0) or MCPServer (2.x) serving the
same `echo` tool over Streamable HTTP, stateless with JSON answers (its fastest mode), on uvicorn.

    python fastmcp_http.py PORT [CERT KEY]
"""

import sys

import uvicorn

try:  # mcp 2.x
    from mcp.server.mcpserver import MCPServer

    server = MCPServer("fastmcp-echo")
    make_app = lambda: server.streamable_http_app(json_response=True, stateless_http=True)  # noqa: E731
except ImportError:  # mcp 1.x
    from mcp.server.fastmcp import FastMCP

    server = FastMCP("fastmcp-echo", log_level="WARNING", json_response=True, stateless_http=True)
    make_app = server.streamable_http_app


@server.tool()
def echo(text: str) -> str:
    """Returns its input text unchanged."""
    return text


if __name__ == "__main__":
    port = int(sys.argv[1])
    tls = {"ssl_certfile": sys.argv[2], "ssl_keyfile": sys.argv[3]} if len(sys.argv) > 3 else {}
    uvicorn.run(make_app(), host="127.0.0.1", port=port, log_level="warning", access_log=False, **tls)
