package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/paydeck/paydeck"
)

type putProductImageInput struct {
	ID      string `path:"id" format:"uuid" doc:"Product ID."`
	RawBody []byte `contentType:"image/jpeg"`
}

// imageBody documents the image types the upload takes; the bytes decide,
// not the Content-Type header.
func imageBody() *huma.RequestBody {
	binary := func() *huma.MediaType { return &huma.MediaType{Schema: &huma.Schema{Type: "string", Format: "binary"}} }
	return &huma.RequestBody{Required: true,
		Description: "The image file itself, at most 2 MiB: JPEG, PNG or WebP, recognised from its bytes.",
		Content:     map[string]*huma.MediaType{"image/png": binary(), "image/webp": binary()}}
}

func (s *server) registerProductImages(tags []string) {
	register(s, adminOnly, huma.Operation{
		OperationID: "putProductImage", Method: http.MethodPut, Path: "/api/products/{id}/image", Tags: tags,
		Summary: "Upload a product's image",
		Description: "Admins send the image file as the request body (JPEG, PNG or WebP, recognised from its bytes, at most 2 MiB); " +
			"it replaces the product's image and imageUrl points at it. paydeck serves it with its content hash in the URL.",
		RequestBody:  imageBody(),
		MaxBodyBytes: paydeck.MaxProductImageBytes + 1, // huma refuses a body of exactly MaxBodyBytes
		Errors:       []int{http.StatusNotFound, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity},
	}, s.putProductImage)
	register(s, adminOnly, huma.Operation{
		OperationID: "deleteProductImage", Method: http.MethodDelete, Path: "/api/products/{id}/image", Tags: tags,
		Summary: "Remove a product's image", Description: "Admins remove the uploaded image; the shop shows a placeholder.",
		Errors: []int{http.StatusNotFound},
	}, s.deleteProductImage)
}

func (s *server) putProductImage(ctx context.Context, in *putProductImageInput) (*productOutput, error) {
	img, err := paydeck.NewProductImage(in.ID, in.RawBody)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	var p *paydeck.Product
	err = s.Store.Update(ctx, func(tx paydeck.Tx) (err error) {
		if err = tx.SetProductImage(ctx, img); err != nil {
			return err
		}
		p, err = tx.FindProductByID(ctx, in.ID)
		return err
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &productOutput{Body: s.productView(p)}, nil
}

func (s *server) deleteProductImage(ctx context.Context, in *productIDInput) (*productOutput, error) {
	var p *paydeck.Product
	err := s.Store.Update(ctx, func(tx paydeck.Tx) (err error) {
		if err = tx.DeleteProductImage(ctx, in.ID); err != nil {
			return err
		}
		p, err = tx.FindProductByID(ctx, in.ID)
		return err
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &productOutput{Body: s.productView(p)}, nil
}
