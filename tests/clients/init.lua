-- Neovim init for the client tests: the plugin from this checkout, settings from $GHOSTLINE_TEST_SETTINGS.
local here = vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2))
local root = vim.fs.dirname(vim.fs.dirname(here))
vim.opt.runtimepath:prepend(root .. '/editor-clients/nvim')
vim.cmd('filetype plugin indent on')
vim.o.swapfile = false
vim.o.updatetime = 100

local settings = vim.env.GHOSTLINE_TEST_SETTINGS and vim.json.decode(vim.env.GHOSTLINE_TEST_SETTINGS) or {}
require('ghostline').setup({ settings = settings })
-- One process group with Neovim, so that the test can stop the server even if Neovim hangs.
vim.lsp.config('ghostline', { detached = false })
vim.lsp.enable('ghostline')
