//! Client methods of the restream area: `get_restream_queue_size`,
//! `get_restream_stats`, `start_restream`, `purge_restream_queue`,
//! `clean_restream_queue`.

use alooma_core::restream::{
    restream_queue_size, restream_stats, CleanRestreamQueue, PurgeRestreamQueue, StartRestream,
};
use alooma_types::RestreamStats;

crate::api::methods! {
    /// How many events wait in the Restream Queue (the RESTREAM node's
    /// `stats.availbleForRestream`). No RESTREAM node is [`Error::NotFound`](crate::Error::NotFound).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// println!("{} events to restream", client.get_restream_queue_size().await?);
    /// # Ok(()) });
    /// ```
    pub async fn get_restream_queue_size(&self) -> Result<u64, Error> {
        restream_queue_size(&self.get_structure().await?)
    }

    /// The Restream Queue's stats: `{"number_of_events": n}`.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// println!("{}", client.get_restream_stats().await?.number_of_events);
    /// # Ok(()) });
    /// ```
    pub async fn get_restream_stats(&self) -> Result<RestreamStats, Error> {
        restream_stats(&self.get_structure().await?)
    }

    /// Streams the Restream Queue back into the pipeline: finds the RESTREAM
    /// node, then `PUT plumbing/nodes/{id}`. No RESTREAM node is
    /// [`Error::NotFound`](crate::Error::NotFound).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.start_restream().await?;
    /// # Ok(()) });
    /// ```
    pub async fn start_restream(&self) -> Result<(), Error> {
        let op = StartRestream::for_structure(&self.get_structure().await?)?;
        self.send(op).await
    }

    /// Drops every event in the Restream Queue (`DELETE plumbing/purge/restream`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.purge_restream_queue().await?;
    /// # Ok(()) });
    /// ```
    pub async fn purge_restream_queue(&self) -> Result<(), Error> = PurgeRestreamQueue;

    /// The same as [`purge_restream_queue`](Self::purge_restream_queue).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.clean_restream_queue().await?;
    /// # Ok(()) });
    /// ```
    pub async fn clean_restream_queue(&self) -> Result<(), Error> = CleanRestreamQueue;
}
