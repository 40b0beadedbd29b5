"""How long browser tests wait for what the pages load by themselves.

The product page asks for the shopper's position; a prompt nobody answers (a test context
grants no permission) gives up after 8 s (`server/static/js/product.js`) before the nearby
stores load, so their wait must leave room for that and for a loaded CI machine.
"""

#: Milliseconds to wait for the product page's nearby-stores block.
NEARBY_WAIT_MS = 30_000
