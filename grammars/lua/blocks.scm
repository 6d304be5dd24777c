;; Blocks: bodies that hold statements (the chunk, i.e. the file, included;
;; an empty body has no block node)
(chunk) @block

(block) @block

;; Statements (a function call counts as one where it stands alone)
[
  (variable_declaration)
  (assignment_statement)
  (function_declaration)
  (return_statement)
  (if_statement)
  (for_statement)
  (while_statement)
  (repeat_statement)
  (do_statement)
  (break_statement)
  (goto_statement)
  (label_statement)
  (empty_statement)
] @statement

(chunk
  (function_call) @statement)

(block
  (function_call) @statement)
