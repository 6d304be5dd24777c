--- Finding the `ghostline` server: the project's `.venv`, else PATH; and the running clients.
local M = {}

M.name = 'ghostline'

local venv_bins = { '.venv/bin/ghostline', 'venv/bin/ghostline', '.venv/Scripts/ghostline.exe' }

--- The server executable for a project: `.venv/bin/ghostline` in `root` or a folder above it,
--- else `ghostline` on PATH; nil when there is neither.
---@param root string?
---@return string?
function M.executable(root)
  if root and root ~= '' then
    local dirs = { root }
    for dir in vim.fs.parents(root) do
      dirs[#dirs + 1] = dir
    end
    for _, dir in ipairs(dirs) do
      for _, rel in ipairs(venv_bins) do
        local path = vim.fs.joinpath(dir, rel)
        if vim.fn.executable(path) == 1 then
          return path
        end
      end
    end
  end
  local found = vim.fn.exepath('ghostline')
  return found ~= '' and found or nil
end

--- The command that starts the server (`setup({ cmd = ... })` wins), or nil with the reason.
---@param root string?
---@return string[]?, string?
function M.command(root)
  local ok, config = pcall(require, 'ghostline.config')
  local cmd = ok and config.options.cmd or nil
  if cmd then
    return cmd
  end
  local exe = M.executable(root)
  if exe then
    return { exe, 'serve' }
  end
  return nil,
    'Ghostline: no server found. Install it into the project (`python -m venv .venv && '
      .. '.venv/bin/pip install ghostline`), put `ghostline` on PATH, or pass '
      .. "`cmd = { '/path/to/ghostline', 'serve' }` to require('ghostline').setup()."
end

--- The Ghostline clients, of one buffer or all.
---@param bufnr integer?
---@return vim.lsp.Client[]
function M.clients(bufnr)
  return vim.lsp.get_clients({ name = M.name, bufnr = bufnr })
end

return M
