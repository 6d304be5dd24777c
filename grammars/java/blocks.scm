;; Blocks: bodies that hold statements or members (the file itself included)
(program) @block

(block) @block

(constructor_body) @block

(class_body) @block

(interface_body) @block

(enum_body) @block

(switch_block_statement_group) @block

;; Statements and member declarations
[
  (expression_statement)
  (local_variable_declaration)
  (return_statement)
  (if_statement)
  (for_statement)
  (enhanced_for_statement)
  (while_statement)
  (do_statement)
  (try_statement)
  (try_with_resources_statement)
  (switch_expression)
  (throw_statement)
  (break_statement)
  (continue_statement)
  (yield_statement)
  (assert_statement)
  (synchronized_statement)
  (labeled_statement)
  (explicit_constructor_invocation)
  (method_declaration)
  (constructor_declaration)
  (compact_constructor_declaration)
  (field_declaration)
  (constant_declaration)
  (class_declaration)
  (interface_declaration)
  (enum_declaration)
  (record_declaration)
  (annotation_type_declaration)
  (static_initializer)
  (import_declaration)
  (package_declaration)
] @statement
