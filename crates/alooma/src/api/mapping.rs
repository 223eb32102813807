//! Client methods of the `mapping` area: the reference client's offline
//! mapping helpers, delegating to [`alooma_mapping`].
//!
//! None of them does I/O. They are methods so that scripts ported from the
//! reference client (`api.discard_field(mapping, "a.b")`) keep their shape;
//! code that has no client uses [`alooma::mapping`](crate::mapping) directly.
//!
//! Ownership: every edit takes `&mut EventType` and changes it **in place**,
//! returning `Result` (the reference documents a new mapping but edits the
//! caller's and returns nothing, defect 6). Clone the event type first if you
//! need the original; on error the event type is unchanged.

use alooma_mapping::{FieldPath, MappingError, PathError};
use alooma_types::{ColumnType, EventType, Field};

/// A field path given as text (`"a.b.c"`, with `\.` for a dot inside a
/// name) or as a parsed [`FieldPath`].
///
/// ```
/// use alooma::IntoFieldPath;
/// let p = r"user.http\.status".into_field_path()?;
/// assert_eq!(p.segments(), ["user", "http.status"]);
/// assert_eq!(p.clone().into_field_path()?, p);
/// # Ok::<(), alooma::mapping::PathError>(())
/// ```
pub trait IntoFieldPath {
    /// The parsed path.
    fn into_field_path(self) -> Result<FieldPath, PathError>;
}

impl IntoFieldPath for FieldPath {
    fn into_field_path(self) -> Result<FieldPath, PathError> {
        Ok(self)
    }
}

impl IntoFieldPath for &FieldPath {
    fn into_field_path(self) -> Result<FieldPath, PathError> {
        Ok(self.clone())
    }
}

impl IntoFieldPath for &str {
    fn into_field_path(self) -> Result<FieldPath, PathError> {
        FieldPath::parse(self)
    }
}

impl IntoFieldPath for String {
    fn into_field_path(self) -> Result<FieldPath, PathError> {
        FieldPath::parse(&self)
    }
}

impl IntoFieldPath for &String {
    fn into_field_path(self) -> Result<FieldPath, PathError> {
        FieldPath::parse(self)
    }
}

crate::api::methods! {
    /// Finds the field at `path` for editing; with `add_if_missing`, creates
    /// every missing field on the way, at any depth (the reference forgets
    /// below the first level, defect 4). Edits `event_type` in place only
    /// when it adds fields.
    ///
    /// ```
    /// # let client = alooma::Client::builder().account("acme").api_key("KEY").build()?;
    /// # let mut et = alooma::types::EventType::new("web");
    /// # client.add_field(client.add_field(client.add_field(et.fields_mut(), "payload").children_mut(), "user").children_mut(), "id");
    /// let field = client.find_field_name(&mut et, "payload.user.id", false)?;
    /// println!("{:?}", field.mapping);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn find_field_name<'a>(
        &self,
        event_type: &'a mut EventType,
        path: impl IntoFieldPath,
        add_if_missing: bool,
    ) -> Result<&'a mut Field, MappingError> {
        let path = path.into_field_path()?;
        alooma_mapping::find_field_mut(event_type, &path, add_if_missing)
    }

    /// Discards the field at `path`, in place: its mapping becomes
    /// `{"isDiscarded": true, "columnName": "", "columnType": null}` (other
    /// keys kept). Returns nothing new: `event_type` itself is edited.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let mut et = client.get_event_type("orders").await?;
    /// client.discard_field(&mut et, "status")?;
    /// # Ok(()) });
    /// ```
    pub fn discard_field(
        &self,
        event_type: &mut EventType,
        path: impl IntoFieldPath,
    ) -> Result<(), MappingError> {
        let path = path.into_field_path()?;
        alooma_mapping::discard_field(event_type, &path)
    }

    /// Removes the field at `path` (at any depth, unlike the reference,
    /// defect 5) from its parent, in place, and returns the removed field.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let mut et = client.get_event_type("orders").await?;
    /// let removed = client.unmap_field(&mut et, "_metadata.@timestamp")?;
    /// println!("removed {}", removed.field_name);
    /// # Ok(()) });
    /// ```
    pub fn unmap_field(
        &self,
        event_type: &mut EventType,
        path: impl IntoFieldPath,
    ) -> Result<Field, MappingError> {
        let path = path.into_field_path()?;
        alooma_mapping::unmap_field(event_type, &path)
    }

    /// Maps the field at `path` to a column, in place, adding the field and
    /// every missing parent first (at any depth, defect 4). The column type
    /// carries `nonNull` and the type attributes (`length`, `precision` …).
    /// Returns the mapped field.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use alooma::types::ColumnType;
    /// let mut et = client.get_event_type("orders").await?;
    /// client.map_field(&mut et, "customer.address.city", "city",
    ///                  ColumnType::new("VARCHAR").with_length(64))?;
    /// client.set_mapping(&et, "orders").await?;
    /// # Ok(()) });
    /// ```
    pub fn map_field<'a>(
        &self,
        event_type: &'a mut EventType,
        path: impl IntoFieldPath,
        column_name: impl Into<String>,
        column_type: ColumnType,
    ) -> Result<&'a mut Field, MappingError> {
        let path = path.into_field_path()?;
        alooma_mapping::map_field(event_type, &path, column_name, column_type)
    }

    /// Sets one field's mapping to `{"columnName", "columnType",
    /// "isDiscarded": false}`, in place (unknown keys of the old mapping are
    /// kept).
    ///
    /// ```
    /// # let client = alooma::Client::builder().account("acme").api_key("KEY").build()?;
    /// use alooma::types::{ColumnType, Field};
    /// let mut field = Field::new("price");
    /// client.set_mapping_for_field(&mut field, "price", ColumnType::new("FLOAT").with_non_null(true));
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn set_mapping_for_field(
        &self,
        field: &mut Field,
        column_name: impl Into<String>,
        column_type: ColumnType,
    ) {
        alooma_mapping::set_mapping_for_field(field, column_name, column_type)
    }

    /// Appends a new, unmapped field named `field_name` to `parent` (an
    /// event type's `fields_mut()` or a field's `fields`) and returns it.
    /// Like the reference, it does not check for an existing field of that
    /// name (use [`find_field_name`](Self::find_field_name) with
    /// `add_if_missing` for find-or-add).
    ///
    /// ```
    /// # let client = alooma::Client::builder().account("acme").api_key("KEY").build()?;
    /// let mut et = alooma::types::EventType::new("orders");
    /// let customer = client.add_field(et.fields_mut(), "customer");
    /// client.add_field(customer.children_mut(), "email");
    /// # Ok::<(), alooma::Error>(())
    /// ```
    pub fn add_field<'a>(
        &self,
        parent: &'a mut Vec<Field>,
        field_name: impl Into<String>,
    ) -> &'a mut Field {
        alooma_mapping::add_field(parent, field_name)
    }

    /// Removes every `stats` key from the event type and its fields, at any
    /// depth, in place (do this before `set_mapping`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let mut et = client.get_event_type("orders").await?;
    /// client.remove_stats(&mut et);
    /// # Ok(()) });
    /// ```
    pub fn remove_stats(&self, event_type: &mut EventType) {
        alooma_mapping::remove_stats(event_type)
    }
}
