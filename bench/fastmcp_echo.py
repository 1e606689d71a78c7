"""The benchmark's Python peer: FastMCP from the pinned `mcp` package, serving the same `echo` tool over stdio."""

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("fastmcp-echo", log_level="WARNING")


@mcp.tool()
def echo(text: str) -> str:
    """Returns its input text unchanged."""
    return text


if __name__ == "__main__":
    mcp.run(transport="stdio")
