-- Neovim init for the client tests: the plugin from this checkout, settings from $GHOSTLINE_TEST_SETTINGS.
local here = vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2))
local root = vim.fs.dirname(vim.fs.dirname(here))
vim.opt.runtimepath:prepend(root .. '/editor-clients/nvim')
vim.cmd('filetype plugin indent on')
vim.o.swapfile = false
vim.o.updatetime = 100

local settings = vim.env.GHOSTLINE_TEST_SETTINGS and vim.json.decode(vim.env.GHOSTLINE_TEST_SETTINGS) or {}
local cmd = vim.env.GHOSTLINE_TEST_CMD and vim.json.decode(vim.env.GHOSTLINE_TEST_CMD) or nil
require('ghostline').setup({ settings = settings, cmd = cmd })
-- One process group with Neovim, so that the test can stop the server even if Neovim hangs.
vim.lsp.config('ghostline', { detached = false })
vim.lsp.enable('ghostline')

-- $GHOSTLINE_TEST_SELECT=1: vim.ui.select only records the question (in _G.ghostline_test_selects);
-- the test answers it with _G.ghostline_test_answer(choice), the choice being an item or nil.
if vim.env.GHOSTLINE_TEST_SELECT == '1' then
  _G.ghostline_test_selects = {}
  local waiting = {}
  vim.ui.select = function(items, opts, on_choice)
    local question = { prompt = opts.prompt, kind = opts.kind, items = items }
    table.insert(_G.ghostline_test_selects, question)
    table.insert(waiting, on_choice)
  end
  _G.ghostline_test_answer = function(choice)
    local on_choice = assert(table.remove(waiting, 1), 'no question is open')
    on_choice(choice)
    return #waiting
  end
end

-- Every text of the statusline function as the plugin announces a change (User GhostlineStatus), with the
-- time in ms: _G.ghostline_test_status.
_G.ghostline_test_status = {}
vim.api.nvim_create_autocmd('User', {
  pattern = 'GhostlineStatus',
  callback = function()
    local text, seen = require('ghostline').status(), _G.ghostline_test_status
    if #seen == 0 or seen[#seen].text ~= text then
      table.insert(seen, { at = vim.uv.hrtime() / 1e6, text = text })
    end
  end,
})
