"""The page's ES modules: main.js and every module it imports, directly or not, for
``<link rel="modulepreload">`` hints. Without them the browser finds the graph one level of
imports at a time (a round trip each, five levels deep); with them it asks for every module at
once while it reads the page."""

from __future__ import annotations

import posixpath
import re

# A static import or re-export of a relative path: `import {a} from "./x.js"`, `import "./x.js"`,
# `export {a} from "./x.js"`, across lines. Dynamic import() is not followed.
IMPORT = re.compile(
    rb'^\s*(?:import|export)\b[^;"]*?\bfrom\s*"(\.{1,2}/[^"]+)"|^\s*import\s*"(\.{1,2}/[^"]+)"',
    re.MULTILINE,
)


def module_graph(contents: dict[str, bytes], entry: str) -> list[str]:
    """``entry`` and the modules it imports, as paths among ``contents`` (static file path ->
    bytes), breadth first: the order in which a browser meets them."""
    found = [entry]
    for path in found:  # grows as it goes
        for match in IMPORT.finditer(contents[path]):
            target = (match.group(1) or match.group(2)).decode()
            name = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            if name not in contents:
                raise ValueError(f"{path} imports {target}, which is not a static file")
            if name not in found:
                found.append(name)
    return found
