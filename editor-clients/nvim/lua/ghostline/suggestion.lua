--- Pure text logic of a suggestion: what is left to insert at the cursor, and what one accept takes.
local M = {}

--- The text of an inline completion item still to be inserted at the cursor (row, col), or nil
--- when the item does not belong there. A range starting before the cursor must match what was
--- typed; text after the cursor that the range replaces must end the item unchanged.
---@param item lsp.InlineCompletionItem
---@param line string The cursor's line.
---@param encoding string The client's offset encoding.
---@param row integer 0-based cursor line.
---@param col integer Cursor byte column.
---@return string?
function M.insertion(item, line, encoding, row, col)
  local text = item.insertText
  if type(text) == 'table' then
    text = text.value
  end
  if type(text) ~= 'string' or not item.range then
    return text
  end
  local start, finish = item.range.start, item.range['end']
  if start.line ~= row or finish.line ~= row then
    return nil
  end
  local first = vim.str_byteindex(line, encoding, start.character, false)
  local last = vim.str_byteindex(line, encoding, finish.character, false)
  local typed, replaced = line:sub(first + 1, col), line:sub(col + 1, last)
  if first > col or text:sub(1, #typed) ~= typed then
    return nil
  end
  text = text:sub(#typed + 1)
  if replaced ~= '' then
    if #text < #replaced or text:sub(-#replaced) ~= replaced then
      return nil
    end
    text = text:sub(1, #text - #replaced)
  end
  return text
end

--- The part of a suggestion that one accept takes: all of it, its next word (with the blanks
--- before it), or the rest of its line (a suggestion starting a new line: that next line).
---@param text string
---@param how 'all'|'word'|'line'
---@return string
function M.piece(text, how)
  if how == 'word' then
    return text:match('^%s*[%w_]+') or text:match('^%s*[^%w_%s]+') or text:match('^%s+') or text
  elseif how == 'line' then
    return text:match('^\n?[^\n]*')
  end
  return text
end

return M
