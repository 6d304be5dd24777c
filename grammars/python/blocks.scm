;; Blocks: bodies that hold statements (the module itself included)
(module) @block

(block) @block

;; Statements
[
  (expression_statement)
  (return_statement)
  (pass_statement)
  (break_statement)
  (continue_statement)
  (raise_statement)
  (assert_statement)
  (delete_statement)
  (global_statement)
  (nonlocal_statement)
  (import_statement)
  (import_from_statement)
  (future_import_statement)
  (type_alias_statement)
  (print_statement)
  (exec_statement)
  (if_statement)
  (for_statement)
  (while_statement)
  (try_statement)
  (with_statement)
  (match_statement)
  (function_definition)
  (class_definition)
  (decorated_definition)
] @statement
