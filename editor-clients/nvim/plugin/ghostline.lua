-- Ghostline with its defaults as soon as the plugin loads, so `vim.lsp.enable('ghostline')` is enough;
-- a `require('ghostline').setup(opts)` of your own (before or after this) decides the options.
if vim.g.loaded_ghostline then
  return
end
vim.g.loaded_ghostline = true

local ghostline = require('ghostline')
if not ghostline.did_setup then
  ghostline.setup()
end
