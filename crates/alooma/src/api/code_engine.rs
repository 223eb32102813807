//! Client methods of the Code Engine area: reading, setting and deleting
//! modules, requirements, and test runs on one sample or on every kept sample.

use crate::{Client, Error, HttpService};
use alooma_core::code_engine::{
    attach_result, DeleteCodeEngineModule, GetCodeEngineCode, GetCodeEngineModule,
    GetCodeEngineRequirements, GetTransform, GetTransformDefaults, SampleInput, SetCodeEngineCode,
    SetTransform, SetTransformToDefault, TestCodeEngineCode, TestTransform,
};
use alooma_core::samples::{sample_queries, GetSamplesStats};
use alooma_types::MAIN_MODULE;
use alooma_types::{CodeModule, Requirement, Sample, TransformResult};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use http::StatusCode;
use std::collections::BTreeMap;

/// What the all-samples helpers run on each sample.
enum Runner {
    /// `test_transform` with this code as `main`.
    Transform(String),
    /// `test_code_engine_code` with these modules.
    Modules(Vec<CodeModule>),
}

crate::api::methods! {
    /// Every Code Engine module's code, as a map of module name → code
    /// (`GET transform/functions`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// for (name, code) in client.get_code_engine_code().await? {
    ///     println!("# {name}\n{code}");
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn get_code_engine_code(&self) -> Result<BTreeMap<String, String>, Error> {
        Ok(CodeModule::to_map(&self.get_code_engine_modules().await?))
    }

    /// Every Code Engine module as the server lists it (name, code,
    /// language and any other key), in the server's order
    /// (`GET transform/functions`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let names: Vec<String> = client.get_code_engine_modules().await?
    ///     .into_iter().map(|m| m.function_name).collect();
    /// # Ok(()) });
    /// ```
    pub async fn get_code_engine_modules(&self) -> Result<Vec<CodeModule>, Error> = GetCodeEngineCode;

    /// The old name of [`get_code_engine_code`](Self::get_code_engine_code).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// # #[allow(deprecated)]
    /// let modules = client.get_all_transforms().await?;
    /// # Ok(()) });
    /// ```
    #[deprecated(note = "use get_code_engine_code")]
    pub async fn get_all_transforms(&self) -> Result<BTreeMap<String, String>, Error> {
        self.get_code_engine_code().await
    }

    /// The code of one module (`main` holds `transform(event)`); a module
    /// that does not exist is [`Error::NotFound`](crate::Error::NotFound).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let main = client.get_code_engine_module("main").await?;
    /// println!("{main}");
    /// # Ok(()) });
    /// ```
    pub async fn get_code_engine_module(&self, name: &str) -> Result<String, Error> = GetCodeEngineModule::new(name);

    /// Defines (or replaces) Code Engine modules from a map of module name →
    /// Python code (`POST transform/v2/functions`). Modules not in the map
    /// are left as they are.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use std::collections::BTreeMap;
    /// let modules = BTreeMap::from([(
    ///     "submodule".to_owned(),
    ///     "def transform_ft_to_mtr(x):\n    return x * 0.3048".to_owned(),
    /// )]);
    /// client.set_code_engine_code(&modules).await?;
    /// # Ok(()) });
    /// ```
    pub async fn set_code_engine_code(
        &self,
        modules: &BTreeMap<String, String>,
    ) -> Result<(), Error> = SetCodeEngineCode::from_map(modules);

    /// Deletes one module (`DELETE transform/functions/{name}`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.delete_code_engine_module("utils").await?;
    /// # Ok(()) });
    /// ```
    pub async fn delete_code_engine_module(&self, name: &str) -> Result<(), Error> = DeleteCodeEngineModule::new(name);

    /// One module's code (`GET transform/functions/{module}`): the
    /// reference's deprecated `get_transform`. As in the reference, when
    /// `main` cannot be read (no such module, an error answer, a body
    /// without `code`), the service's default transform is returned
    /// instead (`GET transform/defaults`); another module's failure is the
    /// error.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// # #[allow(deprecated)]
    /// let main = client.get_transform("main").await?;
    /// # Ok(()) });
    /// ```
    #[deprecated(note = "use get_code_engine_module")]
    pub async fn get_transform(&self, module: &str) -> Result<String, Error> {
        match self.send(GetTransform::new(module)).await {
            Err(e)
                if module == MAIN_MODULE && (e.is_not_found() || e.is_api() || e.is_decode()) =>
            {
                self.send(GetTransformDefaults).await
            }
            other => other,
        }
    }

    /// The default transform's code (`GET transform/defaults`, its
    /// `PYTHON` entry): what `main` holds on a new account, and what
    /// [`set_transform_to_default`](Self::set_transform_to_default) deploys.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let code = client.get_transform_defaults().await?;
    /// assert!(code.contains("def transform(event)"));
    /// # Ok(()) });
    /// ```
    pub async fn get_transform_defaults(&self) -> Result<String, Error> = GetTransformDefaults;

    /// Deploys one module's code (`POST transform/functions/{module}` with
    /// `{"language": "PYTHON", "code", "functionName"}`): the reference's
    /// deprecated `set_transform` (`module` was `main` by default).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// # #[allow(deprecated)]
    /// client.set_transform("def transform(event):\n\treturn event", "main").await?;
    /// # Ok(()) });
    /// ```
    #[deprecated(note = "use set_code_engine_code")]
    pub async fn set_transform(&self, code: &str, module: &str) -> Result<(), Error> = SetTransform::new(code, module);

    /// Deletes one module: the reference's deprecated `delete_transform`,
    /// the same request as [`delete_code_engine_module`](Self::delete_code_engine_module).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// # #[allow(deprecated)]
    /// client.delete_transform("utils").await?;
    /// # Ok(()) });
    /// ```
    #[deprecated(note = "use delete_code_engine_module")]
    pub async fn delete_transform(&self, module: &str) -> Result<(), Error> {
        self.delete_code_engine_module(module).await
    }

    /// Resets `main` to the transform that returns every event unchanged
    /// (`POST transform/functions/main`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// client.set_transform_to_default().await?;
    /// # Ok(()) });
    /// ```
    pub async fn set_transform_to_default(&self) -> Result<(), Error> = SetTransformToDefault;

    /// The Python packages installed in the Code Engine
    /// (`GET code-engine/requirements`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// for r in client.get_code_engine_requirements().await? {
    ///     println!("{} {}", r.name, r.version);
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn get_code_engine_requirements(&self) -> Result<Vec<Requirement>, Error> = GetCodeEngineRequirements;

    /// The installed packages in pip's text form, one `name==version` line
    /// each (the reference's `get_code_engine_requirements(text_format=True)`).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// std::fs::write("requirements.txt", client.get_code_engine_requirements_text().await?)
    ///     .expect("writable");
    /// # Ok(()) });
    /// ```
    pub async fn get_code_engine_requirements_text(&self) -> Result<String, Error> {
        Ok(Requirement::to_text(
            &self.get_code_engine_requirements().await?,
        ))
    }

    /// Runs transform code on one sample event without deploying it
    /// (`POST transform/functions/run`). Without `code`, the deployed `main`
    /// is run (or the default transform when there is none). The sample is
    /// a JSON value or JSON text.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let code = "def transform(event):\n\tevent['seen'] = True\n\treturn event";
    /// let run = client.test_transform(serde_json::json!({"id": 1}), Some(code)).await?;
    /// println!("{:?} in {:?} ms, printed {:?}", run.event(), run.runtime_ms(), run.output);
    /// let deployed = client.test_transform(r#"{"id": 2}"#, None).await?;
    /// # Ok(()) });
    /// ```
    pub async fn test_transform(
        &self,
        sample: impl Into<SampleInput>,
        code: Option<&str>,
    ) -> Result<TransformResult, Error> {
        let sample = sample.into();
        // Refuse a malformed sample before any request.
        sample.resolve("test_transform")?;
        let code = match code {
            Some(c) => c.to_owned(),
            None => self.deployed_main_code().await?,
        };
        self.send(TestTransform::new(sample, code)).await
    }

    /// Runs Code Engine modules on one sample event without deploying them
    /// (`POST transform/v2/functions/run`). Without `modules`, the deployed
    /// modules are run. The sample is a JSON value or JSON text.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// use std::collections::BTreeMap;
    /// let mut modules = client.get_code_engine_code().await?;
    /// modules.insert("util".into(), "def f(e):\n\treturn e".into());
    /// let run = client.test_code_engine_code(r#"{"id": 1}"#, Some(&modules)).await?;
    /// # Ok(()) });
    /// ```
    pub async fn test_code_engine_code(
        &self,
        sample: impl Into<SampleInput>,
        modules: Option<&BTreeMap<String, String>>,
    ) -> Result<TransformResult, Error> {
        let sample = sample.into();
        sample.resolve("test_code_engine_code")?;
        let modules = match modules {
            Some(m) => CodeModule::from_map(m),
            None => self.get_code_engine_modules().await?,
        };
        self.send(TestCodeEngineCode::new(sample, modules)).await
    }

    /// Runs the deployed `main` transform on every kept sample, optionally
    /// only of `event_type` and only with one of `status_codes` (all when
    /// empty). Returns the samples, each with its run's answer in `result`.
    ///
    /// Reads `samples/stats`, then `get_samples` for each (event type,
    /// status) with samples, then one `test_transform` per sample (at most
    /// `bulk_concurrency` at once, answers kept in sample order). Unlike the
    /// reference, the status filter applies (wire.md defect 7).
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// for s in client.test_transform_all_samples(Some("clicks"), &["VALID", "NO_MAPPING"]).await? {
    ///     println!("{} -> {:?}", s.event(), s.result.get().and_then(|r| r.event()));
    /// }
    /// # Ok(()) });
    /// ```
    pub async fn test_transform_all_samples(
        &self,
        event_type: Option<&str>,
        status_codes: &[&str],
    ) -> Result<Vec<Sample>, Error> {
        let code = self.deployed_main_code().await?;
        self.run_on_samples(event_type, status_codes, Runner::Transform(code))
            .await
    }

    /// Runs the deployed Code Engine modules on every kept sample, like
    /// [`test_transform_all_samples`](Self::test_transform_all_samples) but
    /// with `test_code_engine_code`.
    ///
    /// ```
    /// # alooma_tests::doc(|client| async move {
    /// let results = client.test_code_engine_all_samples(None, &[]).await?;
    /// println!("{} samples tested", results.len());
    /// # Ok(()) });
    /// ```
    pub async fn test_code_engine_all_samples(
        &self,
        event_type: Option<&str>,
        status_codes: &[&str],
    ) -> Result<Vec<Sample>, Error> {
        let modules = self.get_code_engine_modules().await?;
        self.run_on_samples(event_type, status_codes, Runner::Modules(modules))
            .await
    }
}

impl<S: HttpService> Client<S> {
    /// The deployed `main` code (`GET transform/functions/main`), or the
    /// service's default transform (`GET transform/defaults`) when there is
    /// no `main` yet (a 404).
    async fn deployed_main_code(&self) -> Result<String, Error> {
        match self.send(GetTransform::main()).await {
            Err(Error::Api { status, .. }) if status == StatusCode::NOT_FOUND => {
                self.send(GetTransformDefaults).await
            }
            other => other,
        }
    }

    async fn run_on_samples(
        &self,
        event_type: Option<&str>,
        status_codes: &[&str],
        runner: Runner,
    ) -> Result<Vec<Sample>, Error> {
        let stats = self.send(GetSamplesStats).await?;
        let codes: Vec<String> = status_codes.iter().map(|c| (*c).to_owned()).collect();
        let mut samples = Vec::new();
        for query in sample_queries(&stats, event_type, &codes) {
            samples.extend(self.send(query).await?);
        }
        let runner = &runner;
        stream::iter(samples)
            .map(|sample| async move {
                let result = match runner {
                    Runner::Transform(code) => {
                        self.send(TestTransform::new(sample.event(), code.as_str()))
                            .await?
                    }
                    Runner::Modules(modules) => {
                        self.send(TestCodeEngineCode::new(sample.event(), modules.clone()))
                            .await?
                    }
                };
                Ok::<_, Error>(attach_result(sample, result))
            })
            .buffered(self.shared.settings.bulk_concurrency.max(1))
            .try_collect()
            .await
    }
}
