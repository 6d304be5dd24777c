;; Blocks: bodies that hold statements (the file and each switch/select case
;; included)
(source_file) @block

(block) @block

(expression_case) @block

(type_case) @block

(communication_case) @block

(default_case) @block

;; Statements
[
  (expression_statement)
  (send_statement)
  (inc_statement)
  (dec_statement)
  (assignment_statement)
  (short_var_declaration)
  (var_declaration)
  (const_declaration)
  (type_declaration)
  (return_statement)
  (go_statement)
  (defer_statement)
  (if_statement)
  (for_statement)
  (expression_switch_statement)
  (type_switch_statement)
  (select_statement)
  (labeled_statement)
  (fallthrough_statement)
  (break_statement)
  (continue_statement)
  (goto_statement)
  (empty_statement)
  (function_declaration)
  (method_declaration)
  (import_declaration)
  (package_clause)
] @statement
