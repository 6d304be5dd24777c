;; Blocks: bodies that hold commands (the script itself, `{ }`, `( )`,
;; `do ... done`, and the branches of if / case, which have no node of their
;; own: their commands sit directly in the clause)
(program) @block

(compound_statement) @block

(subshell) @block

(do_group) @block

(if_statement) @block

(elif_clause) @block

(else_clause) @block

(case_item) @block

;; Statements
[
  (command)
  (redirected_statement)
  (pipeline)
  (list)
  (negated_command)
  (variable_assignment)
  (variable_assignments)
  (declaration_command)
  (unset_command)
  (test_command)
  (function_definition)
  (if_statement)
  (for_statement)
  (c_style_for_statement)
  (while_statement)
  (case_statement)
] @statement
