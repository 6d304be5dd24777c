;; Blocks: bodies that hold statements (the program itself included)
(program) @block

(statement_block) @block

(class_body) @block

(switch_case) @block

(switch_default) @block

;; Statements
[
  (expression_statement)
  (lexical_declaration)
  (variable_declaration)
  (return_statement)
  (if_statement)
  (for_statement)
  (for_in_statement)
  (while_statement)
  (do_statement)
  (try_statement)
  (switch_statement)
  (break_statement)
  (continue_statement)
  (throw_statement)
  (empty_statement)
  (labeled_statement)
  (debugger_statement)
  (with_statement)
  (import_statement)
  (export_statement)
  (function_declaration)
  (generator_function_declaration)
  (class_declaration)
  (method_definition)
  (field_definition)
  (class_static_block)
] @statement
