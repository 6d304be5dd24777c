;; Definitions: @definition.method / .class on the whole declaration, with
;; @name and @body (every Java function is a method or constructor). A Javadoc
;; `/** ... */` block, or a run of `//` lines, right before a declaration is
;; captured as @doc by the "Documented" patterns, in extra matches of the same
;; definition nodes (annotations sit inside the declaration, after the doc).

;; Methods and constructors
(method_declaration
  name: (identifier) @name
  body: (block)? @body) @definition.method

(constructor_declaration
  name: (identifier) @name
  body: (constructor_body) @body) @definition.method

(compact_constructor_declaration
  name: (identifier) @name
  body: (block) @body) @definition.method

;; Classes, interfaces, enums, records and annotation types
(class_declaration
  name: (identifier) @name
  body: (class_body) @body) @definition.class

(interface_declaration
  name: (identifier) @name
  body: (interface_body) @body) @definition.class

(enum_declaration
  name: (identifier) @name
  body: (enum_body) @body) @definition.class

(record_declaration
  name: (identifier) @name
  body: (class_body) @body) @definition.class

(annotation_type_declaration
  name: (identifier) @name
  body: (annotation_type_body) @body) @definition.class

;; Documented: a Javadoc block ...
((block_comment) @doc
  .
  [
    (method_declaration
      name: (identifier) @name
      body: (block)? @body) @definition.method
    (constructor_declaration
      name: (identifier) @name
      body: (constructor_body) @body) @definition.method
    (compact_constructor_declaration
      name: (identifier) @name
      body: (block) @body) @definition.method
    (class_declaration
      name: (identifier) @name
      body: (class_body) @body) @definition.class
    (interface_declaration
      name: (identifier) @name
      body: (interface_body) @body) @definition.class
    (enum_declaration
      name: (identifier) @name
      body: (enum_body) @body) @definition.class
    (record_declaration
      name: (identifier) @name
      body: (class_body) @body) @definition.class
    (annotation_type_declaration
      name: (identifier) @name
      body: (annotation_type_body) @body) @definition.class
  ]
  (#match? @doc "^/\\*\\*"))

;; ... or a run of `//` lines
((line_comment)+ @doc
  .
  [
    (method_declaration
      name: (identifier) @name
      body: (block)? @body) @definition.method
    (constructor_declaration
      name: (identifier) @name
      body: (constructor_body) @body) @definition.method
    (compact_constructor_declaration
      name: (identifier) @name
      body: (block) @body) @definition.method
    (class_declaration
      name: (identifier) @name
      body: (class_body) @body) @definition.class
    (interface_declaration
      name: (identifier) @name
      body: (interface_body) @body) @definition.class
    (enum_declaration
      name: (identifier) @name
      body: (enum_body) @body) @definition.class
    (record_declaration
      name: (identifier) @name
      body: (class_body) @body) @definition.class
    (annotation_type_declaration
      name: (identifier) @name
      body: (annotation_type_body) @body) @definition.class
  ])
